package news.engagement.sources;

import java.util.Locale;

/** How a reader reached an article (SPEC "Traffic sources"); the wire and storage name is the lower-case name. */
public enum Medium {
  SEARCH, SOCIAL, MESSENGER, NEWS, INTERNAL, DIRECT, CAMPAIGN, OTHER;

  private final String wire = name().toLowerCase(Locale.ROOT);

  public String wireName() {
    return wire;
  }

  /** The medium of a wire name, or null when it is none of them. */
  public static Medium of(String wire) {
    for (Medium m : values()) {
      if (m.wire.equals(wire)) {
        return m;
      }
    }
    return null;
  }
}
