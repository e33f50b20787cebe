package news.engagement.query;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import news.engagement.counting.Keys;
import news.engagement.redis.LuaScript;

/**
 * Top articles by a metric over a window, from the per-bucket top sets the batch script keeps:
 * one script call (one round trip) whatever the window, see {@code top.lua}.
 */
public final class TopQuery {
  /** Highest first; equal values by article id ascending. */
  static final Comparator<TopItem> ORDER =
      Comparator.comparingLong(TopItem::value).reversed().thenComparing(TopItem::article);

  private final LuaScript script = LuaScript.load("/news/engagement/query/top.lua");
  private final RedisClusterAsyncCommands<String, String> redis;
  private final Clock clock;
  private final Keys keyModel;

  public TopQuery(RedisClusterAsyncCommands<String, String> redis, Keys keyModel, Clock clock) {
    this.keyModel = Objects.requireNonNull(keyModel, "keyModel");
    this.redis = Objects.requireNonNull(redis, "redis");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public Future<TopList> top(Metric metric, Window window, int limit, Context context) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    Instant now = clock.instant();
    List<String> keys = new ArrayList<>(window.buckets() + 1);
    keys.add("eng:tmp:top:" + UUID.randomUUID());
    keys.addAll(window.keys(keyModel, metric, now));
    return script.<List<Object>>run(redis, ScriptOutputType.MULTI, keys.toArray(String[]::new),
        new String[] {Integer.toString(limit)}, context)
        .map(reply -> new TopList(metric, window, window.start(now), now, rank(reply, limit)));
  }

  /** Merges the script's head and ties, and keeps the first {@code limit} in {@link #ORDER}. */
  static List<TopItem> rank(List<Object> reply, int limit) {
    Map<String, Long> values = new HashMap<>();
    for (Object part : reply) {
      List<?> pairs = (List<?>) part;
      for (int i = 0; i + 1 < pairs.size(); i += 2) {
        values.put((String) pairs.get(i), score(pairs.get(i + 1)));
      }
    }
    return values.entrySet().stream()
        .map(e -> new TopItem(e.getKey(), e.getValue()))
        .filter(item -> item.value() > 0)
        .sorted(ORDER)
        .limit(limit)
        .toList();
  }

  /** Sorted-set scores are doubles; our sums are whole numbers far below 2^53. */
  static long score(Object raw) {
    return Math.round(Double.parseDouble((String) raw));
  }
}
