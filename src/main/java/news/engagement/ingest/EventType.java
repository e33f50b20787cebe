package news.engagement.ingest;

import java.util.Locale;

/** The {@code type} of an event as pages send it. */
public enum EventType {
  VIEW, LIKE, UNLIKE, SHARE, PING, CONVERSION, OUTBOUND;

  /** The type for a wire name such as "view", or null. */
  static EventType parse(String name) {
    return switch (name) {
      case "view" -> VIEW;
      case "like" -> LIKE;
      case "unlike" -> UNLIKE;
      case "share" -> SHARE;
      case "ping" -> PING;
      case "conversion" -> CONVERSION;
      case "outbound" -> OUTBOUND;
      default -> null;
    };
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
