package news.engagement.ingest;

/**
 * A valid event as a page sent it; {@code vid} and {@code network} may be null. {@code engaged}
 * (seconds of attention since the last ping, 0..60) and {@code depth} (deepest share scrolled, 0..100)
 * belong to pings and are 0 for every other type. {@code url} and {@code referrer} (at most 2 KiB each, as the
 * page had them, untrusted) are kept on views only, where they decide the traffic source and the page to crawl
 * for metadata; null otherwise and when absent. {@code goal} (a name of {@code CONVERSION_GOALS}) belongs to
 * conversions, {@code destination} (the clicked link's host, lower-cased, without port and leading
 * {@code www.}) to outbound clicks; null for every other type.
 */
public record Event(EventType type, String article, String vid, Network network, int engaged, int depth,
    String url, String referrer, String goal, String destination) {
  public Event(EventType type, String article, String vid, Network network, int engaged, int depth,
      String url, String referrer) {
    this(type, article, vid, network, engaged, depth, url, referrer, null, null);
  }

  public Event(EventType type, String article, String vid, Network network) {
    this(type, article, vid, network, 0, 0, null, null);
  }

  public Event(EventType type, String article, String vid, Network network, int engaged, int depth) {
    this(type, article, vid, network, engaged, depth, null, null);
  }

  /** A view with the page's {@code location.href} and {@code document.referrer} (each null when absent). */
  public static Event view(String article, String vid, String url, String referrer) {
    return new Event(EventType.VIEW, article, vid, null, 0, 0, url, referrer);
  }

  /** A click on an element of a conversion goal. */
  public static Event conversion(String article, String vid, String goal) {
    return new Event(EventType.CONVERSION, article, vid, null, 0, 0, null, null, goal, null);
  }

  /** A click on a link that leaves the site, by its destination host. */
  public static Event outbound(String article, String vid, String destination) {
    return new Event(EventType.OUTBOUND, article, vid, null, 0, 0, null, null, null, destination);
  }
}
