package news.engagement.query;

import io.lettuce.core.ScoredValue;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import news.engagement.counting.Keys;
import news.engagement.counting.Keys.BucketSize;
import news.engagement.query.Cover.Unit;
import news.engagement.query.WindowSums.Sum;

/**
 * One rebuild of the count lists (views, likes, shares). Once per open 5-minute bucket B: the roll-ups
 * the windows need, then per shard, metric and window the sum of the window's closed buckets (all but
 * B and B−5m) and per trendable window the baseline's sum, kept in memory. Every rebuild: B and B−5m
 * of every shard and metric read live (ZRANGE), the closed sums of live articles not known yet looked
 * up, then each window summed and ranked in memory. No ZUNIONSTORE per rebuild, none per request.
 */
final class ListBuilder {
  static final int LIST_SIZE = 100;
  /** Most viewed articles kept per window: trending's candidates and the uniques lists'. */
  static final int CANDIDATES = 1000;
  /** A closed-window sum is needed for one 5-minute bucket; the margin covers slow instances. */
  private static final Duration CLOSED_TTL = Duration.ofMinutes(10);
  /** A baseline sum is needed for an hour (its end moves hourly). */
  private static final Duration BASELINE_TTL = Duration.ofMinutes(70);
  private static final List<Metric> METRICS = List.of(Metric.VIEWS, Metric.LIKES, Metric.SHARES);

  private final RedisClusterAsyncCommands<String, String> redis;
  private final Keys keys;
  private final Labels labels;
  private final Rollups rollups;
  private final WindowSums sums;
  private Closed closed;

  /** The closed sums for one open bucket. */
  private record Closed(long open, Map<Metric, Map<Window, List<Sum>>> windows, Map<Window, List<Sum>> baselines) {
  }

  ListBuilder(RedisClusterAsyncCommands<String, String> redis, Keys keys, Labels labels) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.labels = Objects.requireNonNull(labels, "labels");
    this.rollups = new Rollups(redis, keys);
    this.sums = new WindowSums(redis, keys);
  }

  Future<TopSnapshot> build(Instant now, long startNanos, Context context) {
    long open = Window.openBucket(now);
    return closed(open, now, context).compose(c -> live(open, context).compose(live -> {
      List<Future<Void>> lookups = new ArrayList<>();
      for (Metric metric : METRICS) {
        for (Window window : Window.values()) {
          lookups.add(sums.lookUp(c.windows().get(metric).get(window), live.get(metric).keySet(), context));
        }
      }
      return Future.all(lookups).compose(v -> snapshot(c, live, now, startNanos, context));
    }));
  }

  private Future<TopSnapshot> snapshot(Closed c, Map<Metric, Map<String, Long>> live, Instant now, long startNanos,
      Context context) {
    Map<Metric, Map<Window, List<TopItem>>> lists = new EnumMap<>(Metric.class);
    Map<Metric, Map<Window, Map<String, List<TopItem>>>> sections = new EnumMap<>(Metric.class);
    Map<Window, List<TopItem>> candidates = new EnumMap<>(Window.class);
    java.util.function.Function<String, String> sectionKeys = Sections.sectionKeys(labels);
    for (Metric metric : METRICS) {
      Map<Window, List<TopItem>> byWindow = new EnumMap<>(Window.class);
      Map<Window, Map<String, List<TopItem>>> sectionsByWindow = new EnumMap<>(Window.class);
      for (Window window : Window.values()) {
        Map<String, Long> values = new HashMap<>();
        // Every article lives on one shard, so the shards' sums do not overlap.
        c.windows().get(metric).get(window).forEach(sum -> values.putAll(sum.scores));
        live.get(metric).forEach((article, n) -> values.merge(article, n, Long::sum));
        byWindow.put(window, Ranking.top(values, LIST_SIZE));
        sectionsByWindow.put(window, Sections.lists(values, sectionKeys, LIST_SIZE));
        if (metric == Metric.VIEWS) {
          candidates.put(window, Ranking.top(values, CANDIDATES));
        }
      }
      lists.put(metric, byWindow);
      sections.put(metric, sectionsByWindow);
    }
    Sections.askForUnlabeled(lists, labels);
    return baselines(c, candidates, context).map(baselines ->
        new TopSnapshot(c.open(), now, startNanos, lists, sections, candidates, baselines));
  }

  /** Trending's baseline views of each trendable window's candidates. */
  private Future<Map<Window, Map<String, Long>>> baselines(Closed c, Map<Window, List<TopItem>> candidates,
      Context context) {
    List<Future<Void>> lookups = new ArrayList<>();
    c.baselines().forEach((window, perShard) -> lookups.add(
        sums.lookUp(perShard, candidates.get(window).stream().map(TopItem::article).toList(), context)));
    return Future.all(lookups).map(v -> {
      Map<Window, Map<String, Long>> baselines = new EnumMap<>(Window.class);
      c.baselines().forEach((window, perShard) -> {
        Map<String, Long> views = new HashMap<>();
        for (TopItem item : candidates.get(window)) {
          long n = perShard.get(keys.shardOf(item.article())).scores.getOrDefault(item.article(), 0L);
          if (n != 0) {
            views.put(item.article(), n);
          }
        }
        baselines.put(window, views);
      });
      return baselines;
    });
  }

  /** The closed sums of {@code open}: rolled up and loaded on the bucket's first rebuild, then from memory. */
  private Future<Closed> closed(long open, Instant now, Context context) {
    if (closed != null && closed.open() == open) {
      return Future.succeededFuture(closed);
    }
    Instant openAt = Instant.ofEpochSecond(open);
    List<Unit> needed = new ArrayList<>();
    for (Window window : Window.values()) {
      needed.addAll(window.closedUnits(open));
      if (window.trendable()) {
        needed.addAll(window.baseline(openAt).units());
      }
    }
    return rollups.ensure(needed, now.getEpochSecond(), context).compose(v -> load(open, context)).map(c -> {
      closed = c;
      return c;
    });
  }

  private Future<Closed> load(long open, Context context) {
    Map<Metric, Map<Window, Future<List<Sum>>>> windows = new EnumMap<>(Metric.class);
    Map<Window, Future<List<Sum>>> baselines = new EnumMap<>(Window.class);
    List<Future<?>> all = new ArrayList<>();
    for (Metric metric : METRICS) {
      Map<Window, Future<List<Sum>>> byWindow = new EnumMap<>(Window.class);
      for (Window window : Window.values()) {
        byWindow.put(window, sums.load(metric.code(), window.code(), open, window.closedUnits(open), CLOSED_TTL,
            WindowSums.TOP, context));
        all.add(byWindow.get(window));
      }
      windows.put(metric, byWindow);
    }
    for (Window window : Window.values()) {
      if (window.trendable()) {
        Window.Baseline baseline = window.baseline(Instant.ofEpochSecond(open));
        baselines.put(window, sums.load(Metric.VIEWS.code(), "base-" + window.code(),
            baseline.to().getEpochSecond(), baseline.units(), BASELINE_TTL, 0, context));
        all.add(baselines.get(window));
      }
    }
    return Future.all(all).map(done -> {
      Map<Metric, Map<Window, List<Sum>>> w = new EnumMap<>(Metric.class);
      windows.forEach((metric, byWindow) -> {
        Map<Window, List<Sum>> lists = new EnumMap<>(Window.class);
        byWindow.forEach((window, f) -> lists.put(window, f.result()));
        w.put(metric, lists);
      });
      Map<Window, List<Sum>> b = new EnumMap<>(Window.class);
      baselines.forEach((window, f) -> b.put(window, f.result()));
      return new Closed(open, w, b);
    });
  }

  /** Per metric, every shard's B and B−5m summed (articles of different shards never collide). */
  private Future<Map<Metric, Map<String, Long>>> live(long open, Context context) {
    long previous = open - BucketSize.FIVE_MINUTES.length().toSeconds();
    Map<Metric, List<Future<List<ScoredValue<String>>>>> reads = new EnumMap<>(Metric.class);
    List<Future<?>> all = new ArrayList<>();
    for (Metric metric : METRICS) {
      List<Future<List<ScoredValue<String>>>> list = new ArrayList<>();
      for (int shard = 0; shard < keys.shards(); shard++) {
        for (long bucket : new long[] {open, previous}) {
          String key = keys.top(shard, metric.code(), BucketSize.FIVE_MINUTES, bucket);
          list.add(Future.fromCompletionStage(redis.zrangeWithScores(key, 0, -1), context));
        }
      }
      reads.put(metric, list);
      all.addAll(list);
    }
    return Future.all(all).map(done -> {
      Map<Metric, Map<String, Long>> live = new EnumMap<>(Metric.class);
      reads.forEach((metric, list) -> {
        Map<String, Long> values = new HashMap<>();
        list.forEach(f -> f.result().forEach(sv -> values.merge(sv.getValue(), Math.round(sv.getScore()), Long::sum)));
        live.put(metric, values);
      });
      return live;
    });
  }
}
