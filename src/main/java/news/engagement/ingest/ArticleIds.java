package news.engagement.ingest;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One String instance per article id, shared by all the events that name it. Each request's JSON parse
 * makes its own copy of the id; an event then waits in the batcher (a batch interval, or the whole
 * outage while Redis is away), and the copies were a third of the objects the collector traced per
 * buffered event. A shared instance also caches its hash code, which the batcher's routing and the
 * per-address allowance read on another thread, where a fresh copy's bytes were a cache miss
 * (docs/benchmarks.md, "ingest profile").
 *
 * <p>Bounded: past {@link #MAX_IDS} ids (a site's articles of the last days are far fewer; junk ids are
 * not) the table starts over, so an id is at worst one more copy, never unbounded memory.
 */
final class ArticleIds {
  static final int MAX_IDS = 65_536;
  private final ConcurrentHashMap<String, String> ids = new ConcurrentHashMap<>(4096);

  /** The shared instance equal to {@code id} (it becomes the shared one if there is none yet). */
  String of(String id) {
    String known = ids.get(id);
    if (known != null) {
      return known;
    }
    if (ids.size() >= MAX_IDS) {
      ids.clear();
    }
    known = ids.putIfAbsent(id, id);
    return known == null ? id : known;
  }

  int size() {
    return ids.size();
  }
}
