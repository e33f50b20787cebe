package news.engagement.visitor;

import java.util.List;
import java.util.Objects;
import news.engagement.config.Cidr;

/**
 * Finds the client's IP: the socket peer, or, when the peer is a trusted proxy, the right-most
 * {@code X-Forwarded-For} address that is not itself a trusted proxy. Addresses further left were
 * written by the client and could be anything.
 */
public final class ClientAddress {
  private final List<Cidr> trustedProxies;

  public ClientAddress(List<Cidr> trustedProxies) {
    this.trustedProxies = List.copyOf(Objects.requireNonNull(trustedProxies, "trustedProxies"));
  }

  /**
   * With the header's lines in the order received: a proxy may append its own {@code X-Forwarded-For}
   * line instead of extending the first, and HTTP says the lines are one comma-separated list. Reading
   * only the first line would let the client choose its address.
   */
  public String resolve(String peer, List<String> forwardedForLines) {
    return resolve(peer, forwardedForLines == null || forwardedForLines.isEmpty() ? null
        : String.join(",", forwardedForLines));
  }

  public String resolve(String peer, String forwardedFor) {
    if (trustedProxies.isEmpty() || forwardedFor == null || forwardedFor.isBlank() || !trusted(peer)) {
      return peer;
    }
    String[] hops = forwardedFor.split(",");
    String leftMost = peer;
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = strip(hops[i]);
      if (Cidr.literal(hop) == null) {
        // Junk in the header: stop at the last address we could trust to be real.
        return leftMost;
      }
      if (!trusted(hop)) {
        return hop;
      }
      leftMost = hop;
    }
    return leftMost;
  }

  private boolean trusted(String address) {
    byte[] bytes = Cidr.literal(strip(address));
    if (bytes == null) {
      return false;
    }
    for (Cidr cidr : trustedProxies) {
      if (cidr.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  /** Removes spaces and the brackets of "[::1]". */
  private static String strip(String hop) {
    String s = hop.strip();
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    return s;
  }
}
