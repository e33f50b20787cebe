package news.engagement.query;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import news.engagement.counting.Keys;
import news.engagement.redis.LuaScript;

/**
 * Articles whose views in a window most exceed their own usual rate. The usual rate comes from the
 * whole hours before the window ({@link Window#baseline}); the score is a smoothed ratio,
 *
 * <pre>score = (recent + PRIOR_RECENT * h) / (expected + PRIOR_EXPECTED * h)</pre>
 *
 * where {@code h} is the hours the window covers so far and {@code expected} the baseline's views scaled
 * to those hours. The priors pull articles with little traffic towards a low score (5/50 = 0.1), so a
 * handful of views never outranks a big story, while an article with plenty of views scores close to
 * recent / expected (2 = twice its usual rate). The candidates are the window's most viewed articles,
 * at most {@link #MAX_CANDIDATES}; one script call (one round trip), see {@code trending.lua}.
 */
public final class Trending {
  static final double PRIOR_RECENT_PER_HOUR = 5;
  static final double PRIOR_EXPECTED_PER_HOUR = 50;
  static final int MAX_CANDIDATES = 1000;
  static final Comparator<TrendingItem> ORDER = Comparator.comparingDouble(TrendingItem::score).reversed()
      .thenComparing(Comparator.comparingLong(TrendingItem::recent).reversed())
      .thenComparing(TrendingItem::article);

  private final LuaScript script = LuaScript.load("/news/engagement/query/trending.lua");
  private final RedisClusterAsyncCommands<String, String> redis;
  private final Clock clock;
  private final Keys keyModel;

  public Trending(RedisClusterAsyncCommands<String, String> redis, Keys keyModel, Clock clock) {
    this.keyModel = Objects.requireNonNull(keyModel, "keyModel");
    this.redis = Objects.requireNonNull(redis, "redis");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public Future<TrendingList> trending(Window window, int limit, Context context) {
    if (!window.trendable()) {
      throw new IllegalArgumentException("no trending for window " + window.code());
    }
    Instant now = clock.instant();
    Instant from = window.start(now);
    Window.Baseline baseline = window.baseline(keyModel, now);
    List<String> recentKeys = window.keys(keyModel, Metric.VIEWS, now);
    String id = UUID.randomUUID().toString();
    List<String> keys = new ArrayList<>(2 + recentKeys.size() + baseline.keys().size());
    keys.add("eng:tmp:trend-recent:" + id);
    keys.add("eng:tmp:trend-base:" + id);
    keys.addAll(recentKeys);
    keys.addAll(baseline.keys());
    List<String> args = List.of(Integer.toString(recentKeys.size()), Integer.toString(MAX_CANDIDATES));
    // The current bucket is partial: compare with the baseline over the time the window really covers.
    double coveredHours = Math.max(1, Duration.between(from, now).toSeconds()) / 3600.0;
    double scale = coveredHours / (baseline.length().toSeconds() / 3600.0);
    return script.<List<Object>>run(redis, ScriptOutputType.MULTI, keys.toArray(String[]::new),
        args.toArray(String[]::new), context).map(reply -> {
      List<TrendingItem> items = new ArrayList<>(reply.size() / 3);
      for (int i = 0; i + 2 < reply.size(); i += 3) {
        long recent = TopQuery.score(reply.get(i + 1));
        double expected = TopQuery.score(reply.get(i + 2)) * scale;
        items.add(new TrendingItem((String) reply.get(i), recent, expected, score(recent, expected, coveredHours)));
      }
      items.sort(ORDER);
      return new TrendingList(window, from, now, baseline.from(), baseline.to(),
          items.subList(0, Math.min(limit, items.size())));
    });
  }

  /** The smoothed ratio of views in the window to the views the article's usual rate predicts. */
  static double score(long recent, double expected, double coveredHours) {
    return (recent + PRIOR_RECENT_PER_HOUR * coveredHours) / (expected + PRIOR_EXPECTED_PER_HOUR * coveredHours);
  }
}
