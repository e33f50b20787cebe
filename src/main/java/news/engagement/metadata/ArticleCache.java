package news.engagement.metadata;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import news.engagement.query.Label;

/**
 * What this instance knows of recently seen articles, in memory, so the per-view "is it fresh" check and
 * every list's labels cost no Redis round trip: per article what Redis held when last read, its label,
 * when a view should next look again ({@code recheckAt}), and the crawl failures in a row. At most
 * {@code capacity} articles.
 *
 * <p>Every view reads it, from every event loop, so a read takes no lock and moves nothing: it marks the
 * article used. Past the capacity a write drops articles in the order they came, except that a used one
 * is spared once and goes to the back unmarked (the "clock" approximation of least recently used). A
 * synchronized, access-ordered map cost 2 % of the event loops' ingest samples, relinking its list on
 * every view under a lock both event loops take.
 */
final class ArticleCache {
  /** One article: {@code known} as read or written, and when to look again (epoch ms). */
  record Entry(Known known, Label label, long recheckAt, int failures) {
  }

  private static final class Node {
    volatile Entry entry;
    /** Read since it was last spared; a benign race (a lost mark only spares the article once less). */
    boolean used;

    Node(Entry entry) {
      this.entry = entry;
    }
  }

  private final int capacity;
  private final ConcurrentHashMap<String, Node> entries = new ConcurrentHashMap<>();
  /** Each held article once, oldest first (guarded by {@code this} for writes). */
  private final ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();

  ArticleCache(int capacity) {
    this.capacity = capacity;
  }

  Entry get(String article) {
    Node node = entries.get(article);
    if (node == null) {
      return null;
    }
    node.used = true;
    return node.entry;
  }

  /** The label only; null when unknown. */
  Label label(String article) {
    Entry entry = get(article);
    return entry == null ? null : entry.label();
  }

  synchronized void put(String article, Known known, long recheckAt, int failures) {
    Entry entry = new Entry(known, known.label(), recheckAt, failures);
    Node node = entries.get(article);
    if (node != null) {
      node.entry = entry;
      node.used = true;
      return;
    }
    entries.put(article, new Node(entry));
    order.add(article);
    while (entries.size() > capacity) {
      String oldest = order.poll();
      Node candidate = entries.get(oldest);
      if (candidate.used) {
        candidate.used = false;
        order.add(oldest);
      } else {
        entries.remove(oldest);
      }
    }
  }

  int size() {
    return entries.size();
  }
}
