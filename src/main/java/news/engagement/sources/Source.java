package news.engagement.sources;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One counted view's traffic source: a medium and a name of at most {@link #MAX_LENGTH} characters of
 * {@code [a-z0-9._-]}. {@link #label()} is how it travels to Redis and is stored there ({@code medium:source}).
 */
public record Source(Medium medium, String source) {
  public static final int MAX_LENGTH = 64;
  private static final Pattern NAME = Pattern.compile("[a-z0-9._-]{1," + MAX_LENGTH + "}");

  public static final Source DIRECT = new Source(Medium.DIRECT, "direct");
  public static final Source UNKNOWN = new Source(Medium.OTHER, "other");

  public Source {
    Objects.requireNonNull(medium, "medium");
    if (source == null || !NAME.matcher(source).matches()) {
      throw new IllegalArgumentException("not a source name: " + source);
    }
  }

  public static boolean validName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /** {@code medium:source}: what the batch script and the minute hash keep. */
  public String label() {
    return medium.wireName() + ":" + source;
  }

  /** The source of a label written by {@link #label()}, or null when the text is not one. */
  public static Source ofLabel(String label) {
    int colon = label.indexOf(':');
    Medium medium = colon < 0 ? null : Medium.of(label.substring(0, colon));
    String name = colon < 0 ? null : label.substring(colon + 1);
    return medium == null || !validName(name) ? null : new Source(medium, name);
  }

  /**
   * Untrusted text (a {@code utm_source}, an app package) as a source name: lower case, each run of other
   * characters one {@code _}, cut to {@link #MAX_LENGTH}; null when nothing is left.
   */
  static String sanitize(String text) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_LENGTH));
    boolean gap = false;
    for (int i = 0; i < text.length() && out.length() < MAX_LENGTH; i++) {
      char c = Character.toLowerCase(text.charAt(i));
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_') {
        out.append(c);
        gap = false;
      } else if (!gap && out.length() > 0) {
        out.append('_');
        gap = true;
      }
    }
    while (out.length() > 0 && out.charAt(out.length() - 1) == '_') {
      out.setLength(out.length() - 1);
    }
    return out.length() == 0 ? null : out.toString();
  }
}
