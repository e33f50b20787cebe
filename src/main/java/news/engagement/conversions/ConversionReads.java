package news.engagement.conversions;

import io.lettuce.core.ScoredValue;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import news.engagement.counting.Keys.BucketSize;
import news.engagement.query.Window;

/**
 * The reads behind the editor endpoints. An article's conversions over a window: its buckets' hashes
 * summed (one slot, one pipelined round trip). A goal's list: the window's two newest buckets of every
 * shard read live, plus the sum of its closed buckets, which is read once per bucket boundary, kept in
 * memory (its top {@link #CLOSED_KEPT} articles) and shared by every request, so a request never unions
 * more than two buckets per shard.
 */
final class ConversionReads {
  /** Articles kept of a window's closed part; a list shows at most 100. */
  static final int CLOSED_KEPT = 1000;
  static final int MAX_ITEMS = ClickSlice.MAX_DESTINATIONS;

  private final RedisClusterAsyncCommands<String, String> redis;
  private final ConversionKeys keys;
  private final Clock clock;
  private final Set<String> goals;
  /** Per (list, window): the closed sum for one boundary (the start of the oldest bucket read live). */
  private final Map<String, Closed> closed = new ConcurrentHashMap<>();

  private record Closed(long boundary, Future<Map<String, Long>> sum) {
  }

  ConversionReads(RedisClusterAsyncCommands<String, String> redis, ConversionKeys keys, Clock clock, Set<String> goals) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.goals = Set.copyOf(goals);
  }

  /** {@code {"article", "window", "conversions": {goal: n}, "outbound": [{"destination", "clicks"}]}}. */
  Future<JsonObject> article(String article, Window window, Context context) {
    BucketSize size = window.bucket();
    List<Future<Map<String, String>>> reads = new ArrayList<>();
    for (long start : window.bucketStarts(clock.instant())) {
      reads.add(Future.fromCompletionStage(redis.hgetall(keys.bucket(article, size, start)), context));
    }
    return Future.all(reads).map(done -> {
      Map<String, Long> conversions = new TreeMap<>();
      Map<String, Long> outbound = new HashMap<>();
      for (Future<Map<String, String>> f : reads) {
        f.result().forEach((field, value) -> {
          long n = Long.parseLong(value);
          if (field.startsWith("g:") && goals.contains(field.substring(2))) {
            conversions.merge(field.substring(2), n, Long::sum);
          } else if (field.startsWith("o:")) {
            outbound.merge(field.substring(2), n, Long::sum);
          }
        });
      }
      JsonObject byGoal = new JsonObject();
      conversions.forEach(byGoal::put);
      return new JsonObject().put("article", article).put("window", window.code()).put("conversions", byGoal)
          .put("outbound", destinations(outbound));
    });
  }

  /** Highest first, ties by destination; past {@link #MAX_ITEMS} the rest are folded into "other". */
  static JsonArray destinations(Map<String, Long> clicks) {
    Map<String, Long> all = new HashMap<>(clicks);
    List<Map.Entry<String, Long>> named = all.entrySet().stream().filter(e -> !e.getKey().equals(Click.OTHER))
        .sorted(ORDER).toList();
    long other = all.getOrDefault(Click.OTHER, 0L);
    Map<String, Long> kept = new HashMap<>();
    for (int i = 0; i < named.size(); i++) {
      if (i < MAX_ITEMS) {
        kept.put(named.get(i).getKey(), named.get(i).getValue());
      } else {
        other += named.get(i).getValue();
      }
    }
    if (other > 0) {
      kept.put(Click.OTHER, other);
    }
    JsonArray list = new JsonArray();
    kept.entrySet().stream().sorted(ORDER).forEach(e -> list.add(new JsonObject().put("destination", e.getKey())
        .put("clicks", e.getValue())));
    return list;
  }

  private static final Comparator<Map.Entry<String, Long>> ORDER =
      Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey());

  /** {@code {"goal", "window", "items": [{"article", "value"}]}}; {@code goal} null: all goals summed. */
  Future<JsonObject> list(String goal, Window window, int limit, Context context) {
    String name = goal == null ? ConversionKeys.ALL_GOALS : goal;
    List<Long> starts = window.bucketStarts(clock.instant());
    int live = Math.min(2, starts.size());
    Future<Map<String, Long>> closedSum = closed(name, window, starts.get(live - 1), starts.subList(live, starts.size()),
        context);
    Future<Map<String, Long>> liveSum = sum(name, window.bucket(), starts.subList(0, live), context);
    return Future.all(closedSum, liveSum).map(done -> {
      Map<String, Long> values = new HashMap<>(closedSum.result());
      liveSum.result().forEach((article, n) -> values.merge(article, n, Long::sum));
      JsonArray items = new JsonArray();
      values.entrySet().stream().filter(e -> e.getValue() > 0).sorted(ORDER).limit(limit)
          .forEach(e -> items.add(new JsonObject().put("article", e.getKey()).put("value", e.getValue())));
      return new JsonObject().put("goal", goal).put("window", window.code()).put("items", items);
    });
  }

  private Future<Map<String, Long>> closed(String name, Window window, long boundary, List<Long> starts,
      Context context) {
    String id = name + "\t" + window.code();
    Closed held = closed.get(id);
    if (held != null && held.boundary() == boundary && !held.sum().failed()) {
      return held.sum();
    }
    Future<Map<String, Long>> sum = sum(name, window.bucket(), starts, context).map(ConversionReads::keepTop);
    closed.put(id, new Closed(boundary, sum));
    return sum;
  }

  private static Map<String, Long> keepTop(Map<String, Long> values) {
    if (values.size() <= CLOSED_KEPT) {
      return values;
    }
    Map<String, Long> top = new HashMap<>();
    values.entrySet().stream().sorted(ORDER).limit(CLOSED_KEPT).forEach(e -> top.put(e.getKey(), e.getValue()));
    return top;
  }

  /** Every shard's lists of these buckets summed (an article lives on one shard: no double counting). */
  private Future<Map<String, Long>> sum(String name, BucketSize size, List<Long> starts, Context context) {
    List<Future<List<ScoredValue<String>>>> reads = new ArrayList<>();
    for (int shard = 0; shard < keys.shards(); shard++) {
      for (long start : starts) {
        reads.add(Future.fromCompletionStage(redis.zrangeWithScores(keys.goalList(shard, name, size, start), 0, -1),
            context));
      }
    }
    return Future.all(reads).map(done -> {
      Map<String, Long> values = new HashMap<>();
      reads.forEach(f -> f.result().forEach(sv -> values.merge(sv.getValue(), Math.round(sv.getScore()), Long::sum)));
      return values;
    });
  }
}
