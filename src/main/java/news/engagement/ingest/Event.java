package news.engagement.ingest;

/**
 * A valid event as a page sent it; {@code vid} and {@code network} may be null. {@code engaged}
 * (seconds of attention since the last ping, 0..60) and {@code depth} (deepest share scrolled, 0..100)
 * belong to pings and are 0 for every other type.
 */
public record Event(EventType type, String article, String vid, Network network, int engaged, int depth) {
  public Event(EventType type, String article, String vid, Network network) {
    this(type, article, vid, network, 0, 0);
  }
}
