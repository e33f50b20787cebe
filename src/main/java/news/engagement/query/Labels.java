package news.engagement.query;

/**
 * Where lists find their articles' labels: from memory only (the metadata room's cache), so a read
 * or a rebuild costs no Redis round trip per item. {@link #NONE} when nothing is known.
 */
@FunctionalInterface
public interface Labels {
  Labels NONE = article -> null;

  /** The article's label, or null when unknown; never blocks, any thread. */
  Label of(String article);

  /** A hint that a list shows {@code article} and its label is not in memory: load it in the background. */
  default void wanted(String article) {
  }
}
