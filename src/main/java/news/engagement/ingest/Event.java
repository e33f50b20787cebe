package news.engagement.ingest;

/** A valid event as a page sent it; {@code vid} and {@code network} may be null. */
public record Event(EventType type, String article, String vid, Network network) {
}
