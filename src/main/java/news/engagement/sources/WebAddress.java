package news.engagement.sources;

import java.net.IDN;
import java.util.Locale;

/**
 * The parts of an untrusted URL (a referrer or a page's address) the classifier needs, parsed by hand:
 * cheap, never throws, and strict about hosts (ASCII letters, digits, '-', '.'; an IDN host becomes
 * punycode; anything else is no host at all).
 *
 * @param scheme lower case, e.g. {@code https} or {@code android-app}
 * @param host lower case ASCII (punycode for IDN), no trailing dot; for {@code android-app} the package
 * @param origin {@code scheme://host[:port]} without default ports (http and https only), as config/Site writes it
 * @param query the raw query without '?', or "" (http and https only)
 */
record WebAddress(String scheme, String host, String origin, String query) {
  /** Longest host accepted (DNS's limit). */
  static final int MAX_HOST = 253;

  /** The address, or null when the text is not an http(s) or android-app URL with a valid host. */
  static WebAddress parse(String text) {
    if (text == null) {
      return null;
    }
    int colon = text.indexOf(':');
    if (colon <= 0 || colon > 16 || !text.startsWith("//", colon + 1)) {
      return null;
    }
    String scheme = text.substring(0, colon).toLowerCase(Locale.ROOT);
    boolean web = scheme.equals("http") || scheme.equals("https");
    if (!web && !scheme.equals("android-app")) {
      return null;
    }
    int start = colon + 3;
    int end = start;
    while (end < text.length() && "/?#".indexOf(text.charAt(end)) < 0) {
      end++;
    }
    String authority = text.substring(start, end);
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      authority = authority.substring(at + 1);
    }
    String port = "";
    int portColon = authority.lastIndexOf(':');
    if (portColon >= 0) {
      port = authority.substring(portColon + 1);
      authority = authority.substring(0, portColon);
      if (!port.isEmpty() && (port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9'))) {
        return null;
      }
    }
    String host = host(authority);
    if (host == null) {
      return null;
    }
    if (!web) {
      return new WebAddress(scheme, host, null, "");
    }
    boolean defaultPort = port.isEmpty() || (scheme.equals("http") && port.equals("80"))
        || (scheme.equals("https") && port.equals("443"));
    String origin = scheme + "://" + host + (defaultPort ? "" : ":" + Integer.parseInt(port));
    String query = "";
    if (end < text.length() && text.charAt(end) != '#') {
      int q = text.indexOf('?', end);
      int hash = text.indexOf('#', end);
      if (q >= 0 && (hash < 0 || q < hash)) {
        query = text.substring(q + 1, hash < 0 ? text.length() : hash);
      }
    }
    return new WebAddress(scheme, host, origin, query);
  }

  /** A host name in lower-case ASCII, or null: empty labels, bad characters, IPv6 literals and overlong names are none. */
  private static String host(String raw) {
    String host = raw.endsWith(".") ? raw.substring(0, raw.length() - 1) : raw;
    if (host.isEmpty() || host.length() > MAX_HOST) {
      return null;
    }
    boolean ascii = true;
    for (int i = 0; i < host.length(); i++) {
      if (host.charAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (!ascii) {
      try {
        host = IDN.toASCII(host, 0);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    host = host.toLowerCase(Locale.ROOT);
    if (host.isEmpty() || host.length() > MAX_HOST || host.startsWith(".") || host.contains("..")) {
      return null;
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_')) {
        return null;
      }
    }
    return host;
  }

  /** The first value of a query parameter (name matched ignoring case), percent-decoded leniently; null when absent. */
  String parameter(String name) {
    int from = 0;
    while (from <= query.length()) {
      int amp = query.indexOf('&', from);
      int to = amp < 0 ? query.length() : amp;
      int eq = query.indexOf('=', from);
      if (eq > from && eq < to && query.regionMatches(true, from, name, 0, name.length()) && eq - from == name.length()) {
        return decode(query.substring(eq + 1, to));
      }
      if (amp < 0) {
        break;
      }
      from = amp + 1;
    }
    return null;
  }

  /** %XX and '+' decoded as bytes of UTF-8; a broken escape is kept as text (the result is sanitized anyway). */
  private static String decode(String text) {
    if (text.indexOf('%') < 0 && text.indexOf('+') < 0) {
      return text;
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '+') {
        out.write(' ');
      } else if (c == '%' && i + 2 < text.length()
          && Character.digit(text.charAt(i + 1), 16) >= 0 && Character.digit(text.charAt(i + 2), 16) >= 0) {
        out.write(Character.digit(text.charAt(i + 1), 16) * 16 + Character.digit(text.charAt(i + 2), 16));
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }
}
