package news.engagement.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** An IPv4 or IPv6 network such as {@code 10.0.0.0/8}; a bare address is a /32 or /128. */
public record Cidr(byte[] network, int prefix) {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  public static Cidr parse(String text) {
    String[] parts = text.trim().split("/", -1);
    if (parts.length > 2) {
      throw new IllegalArgumentException(text);
    }
    byte[] address = literal(parts[0]);
    if (address == null) {
      throw new IllegalArgumentException(text);
    }
    int max = address.length * 8;
    int prefix;
    try {
      prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : max;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(text, e);
    }
    if (prefix < 0 || prefix > max) {
      throw new IllegalArgumentException(text);
    }
    return new Cidr(address, prefix);
  }

  /** Parses an IP literal without any DNS lookup; null when {@code text} is not one. */
  public static byte[] literal(String text) {
    // Only literals reach InetAddress, so it never resolves a name.
    if (text == null || !(IPV4.matcher(text).matches() || IPV6.matcher(text).matches())) {
      return null;
    }
    try {
      return InetAddress.getByName(text).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  public boolean contains(byte[] address) {
    if (address == null || address.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xFF << (8 - rest)) & 0xFF;
    return (address[full] & mask) == (network[full] & mask);
  }
}
