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
    if (text == null) {
      return null;
    }
    byte[] v4 = plainIpv4(text);
    if (v4 != null || IPV4.matcher(text).matches()) {
      // A dotted quad InetAddress cannot read ("999.1.1.1", or ambiguous leading zeros) would be looked
      // up as a host name: a blocking DNS query for whatever a client put in X-Forwarded-For.
      return v4;
    }
    // Text with a colon is parsed by InetAddress as an IPv6 literal or refused, never resolved.
    if (!IPV6.matcher(text).matches()) {
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

  /**
   * The common case without regex or InetAddress (every request behind a proxy parses one or two):
   * four decimal parts 0..255 without leading zeros ("010.0.0.1" could mean octal: refused).
   */
  static byte[] plainIpv4(String text) {
    int n = text.length();
    if (n < 7 || n > 15) {
      return null;
    }
    byte[] out = new byte[4];
    int part = 0;
    int value = 0;
    int digits = 0;
    for (int i = 0; i <= n; i++) {
      char c = i == n ? '.' : text.charAt(i);
      if (c == '.') {
        if (digits == 0 || part > 3 || (digits > 1 && text.charAt(i - digits) == '0')) {
          return null;
        }
        out[part++] = (byte) value;
        value = 0;
        digits = 0;
      } else if (c >= '0' && c <= '9' && digits < 3) {
        value = value * 10 + (c - '0');
        digits++;
        if (value > 255) {
          return null;
        }
      } else {
        return null;
      }
    }
    return part == 4 ? out : null;
  }
}
