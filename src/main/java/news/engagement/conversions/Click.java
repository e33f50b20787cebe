package news.engagement.conversions;

/**
 * A person's click on an article: a conversion ({@code kind} 'g', {@code name} the goal) or an outbound
 * click ('o', the destination host). The visitor is a keyed hash, never a raw vid or address.
 */
record Click(String article, String visitor, char kind, String name) {
  static final char CONVERSION = 'g';
  static final char OUTBOUND = 'o';
  static final String OTHER = "other";
}
