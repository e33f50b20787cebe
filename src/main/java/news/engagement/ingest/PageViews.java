package news.engagement.ingest;

/**
 * Where a person's accepted view says which page it was on (the metadata room crawls it when it is on
 * the site and its metadata is missing or old). {@link #NONE} when nobody listens.
 */
@FunctionalInterface
public interface PageViews {
  PageViews NONE = (article, url) -> { };

  /** {@code url} is the page's untrusted {@code location.href}, or null. Thread-safe and never blocks. */
  void viewed(String article, String url);
}
