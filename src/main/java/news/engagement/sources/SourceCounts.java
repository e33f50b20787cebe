package news.engagement.sources;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Counted views by source, summed over buckets or shards; answers the API's items, most first. */
final class SourceCounts {
  private final Map<String, Long> byLabel = new HashMap<>();

  void add(String label, long views) {
    if (views != 0 && Source.ofLabel(label) != null) {
      byLabel.merge(label, views, Long::sum);
    }
  }

  /**
   * Per article, direct views have no field since the batch script made them implicit: they are the
   * article's {@code views} in the window less those with another source. Hashes written before that
   * hold an explicit direct count, which this never goes below.
   */
  void implyDirect(long views) {
    String direct = Source.DIRECT.label();
    long others = byLabel.entrySet().stream().filter(e -> !e.getKey().equals(direct))
        .mapToLong(Map.Entry::getValue).sum();
    long implied = Math.max(byLabel.getOrDefault(direct, 0L), views - others);
    if (implied > 0) {
      byLabel.put(direct, implied);
    }
  }

  record Item(Source source, long views) {
  }

  List<Item> items(int limit) {
    List<Item> items = new ArrayList<>();
    byLabel.forEach((label, views) -> items.add(new Item(Source.ofLabel(label), views)));
    items.sort(Comparator.comparingLong(Item::views).reversed()
        .thenComparing(i -> i.source().medium().wireName()).thenComparing(i -> i.source().source()));
    return items.subList(0, Math.min(limit, items.size()));
  }

  /** The first item (most views, ties as in {@link #items}), or null when no view has a source. */
  Item top() {
    List<Item> first = items(1);
    return first.isEmpty() ? null : first.get(0);
  }

  long total() {
    return byLabel.values().stream().mapToLong(Long::longValue).sum();
  }

  JsonObject toJson(String article, SourceWindow window, int limit) {
    JsonArray list = new JsonArray();
    items(limit).forEach(i -> list.add(new JsonObject().put("medium", i.source().medium().wireName())
        .put("source", i.source().source()).put("views", i.views())));
    JsonObject json = new JsonObject();
    if (article != null) {
      json.put("article", article);
    }
    return json.put("window", window.code).put("views", total()).put("items", list);
  }
}
