package news.engagement.metadata;

import java.util.LinkedHashMap;
import java.util.Map;
import news.engagement.query.Label;

/**
 * What this instance knows of recently seen articles, in memory, so the per-view "is it fresh" check and
 * every list's labels cost no Redis round trip: per article what Redis held when last read, its label,
 * when a view should next look again ({@code recheckAt}), and the crawl failures in a row. At most
 * {@code capacity} articles, the least recently used dropped first. Thread-safe: a few map operations
 * under the cache's lock, never I/O.
 */
final class ArticleCache {
  /** One article: {@code known} as read or written, and when to look again (epoch ms). */
  record Entry(Known known, Label label, long recheckAt, int failures) {
  }

  private final int capacity;
  private final Map<String, Entry> entries;

  ArticleCache(int capacity) {
    this.capacity = capacity;
    this.entries = new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > ArticleCache.this.capacity;
      }
    };
  }

  synchronized Entry get(String article) {
    return entries.get(article);
  }

  /** The label only; null when unknown. */
  synchronized Label label(String article) {
    Entry entry = entries.get(article);
    return entry == null ? null : entry.label();
  }

  synchronized void put(String article, Known known, long recheckAt, int failures) {
    entries.put(article, new Entry(known, known.label(), recheckAt, failures));
  }

  synchronized int size() {
    return entries.size();
  }
}
