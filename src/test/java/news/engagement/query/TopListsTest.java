package news.engagement.query;

import static news.engagement.query.Traffic.ordered;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import news.engagement.counting.Keys;
import news.engagement.counting.Keys.BucketSize;
import news.engagement.query.Cover.Unit;
import news.engagement.testing.MutableClock;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestStores;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The top-list builder on the real Redis, fed directly with what the batch script writes
 * ({@link TopData}): window arithmetic across hour and day boundaries, roll-up idempotency, ranking,
 * uniques at 100 000 visitors, trending, and that reads union nothing.
 */
class TopListsTest {
  static final int REDIS_DB = 14;
  static final int SHARDS = Keys.DEFAULT_SHARDS;

  private final MutableClock clock = MutableClock.at("2026-03-09T23:58:00Z");
  private final Keys keys = new Keys(SHARDS);
  private RedisClient client;
  private StatefulRedisConnection<String, String> builderConnection;
  private StatefulRedisConnection<String, String> testConnection;
  private RedisCommands<String, String> redis;
  private TopData data;
  private Vertx vertx;
  private TopLists lists;

  @BeforeEach
  void start() {
    TestStores.flush(REDIS_DB);
    client = RedisClient.create();
    builderConnection = TestStores.redis(client, REDIS_DB);
    testConnection = TestStores.redis(client, REDIS_DB);
    redis = testConnection.sync();
    data = new TopData(redis, keys);
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    RunningService.await(vertx.close());
    builderConnection.close();
    testConnection.close();
    client.shutdown();
  }

  private void deploy(TopLists.Timing timing) {
    lists = new TopLists(builderConnection.async(), keys, clock, timing);
    RunningService.await(vertx.deployVerticle(lists));
  }

  private Map<String, Long> top(Metric metric, Window window, int limit) {
    TopList list = RunningService.await(lists.top(metric, window, limit, context()));
    Map<String, Long> items = new LinkedHashMap<>();
    list.items().forEach(item -> items.put(item.article(), item.value()));
    return items;
  }

  private Context context() {
    return vertx.getOrCreateContext();
  }

  private void assertWindow(Window window, String at, Map<String, Long> expected) {
    clock.set(Instant.parse(at));
    for (Metric metric : List.of(Metric.VIEWS, Metric.UNIQUES)) {
      assertThat(top(metric, window, 10)).as(metric + " over " + window.code() + " at " + at)
          .containsExactlyEntriesOf(expected);
    }
  }

  @Test
  void everyWindowsEdgesAcrossUtcHoursAndDays() {
    data.views("late", "2026-03-09T23:58:00Z", "late", 2).views("early", "2026-03-10T00:03:00Z", "early", 1);
    deploy(TopLists.Timing.readAfterWrite());
    assertWindow(Window.HOUR, "2026-03-10T00:03:00Z", ordered("late", 2, "early", 1));
    // 00:54:59: the open bucket is 00:50, the oldest 23:55, which holds 23:58.
    assertWindow(Window.HOUR, "2026-03-10T00:54:59Z", ordered("late", 2, "early", 1));
    assertWindow(Window.HOUR, "2026-03-10T00:55:00Z", ordered("early", 1));
    assertWindow(Window.HOUR, "2026-03-10T01:00:00Z", ordered());
    assertWindow(Window.DAY, "2026-03-10T00:03:00Z", ordered("late", 2, "early", 1));
    assertWindow(Window.DAY, "2026-03-10T22:59:59Z", ordered("late", 2, "early", 1));
    assertWindow(Window.DAY, "2026-03-10T23:00:00Z", ordered("early", 1));
    assertWindow(Window.DAY, "2026-03-11T00:00:00Z", ordered());
    assertWindow(Window.WEEK, "2026-03-16T22:59:59Z", ordered("late", 2, "early", 1));
    assertWindow(Window.WEEK, "2026-03-16T23:00:00Z", ordered("early", 1));
    assertWindow(Window.WEEK, "2026-03-17T00:00:00Z", ordered());
    assertWindow(Window.MONTH, "2026-04-07T23:59:59Z", ordered("late", 2, "early", 1));
    assertWindow(Window.MONTH, "2026-04-08T00:00:00Z", ordered("early", 1));
    assertWindow(Window.MONTH, "2026-04-09T00:00:00Z", ordered());
    // Back in time: every roll-up is still there, nothing was rolled twice into a different answer.
    assertWindow(Window.MONTH, "2026-03-10T00:03:00Z", ordered("late", 2, "early", 1));
    assertWindow(Window.WEEK, "2026-03-10T01:00:00Z", ordered("late", 2, "early", 1));
  }

  @Test
  void rollingUpTwiceOrFromAnotherInstanceGivesTheSameSets() {
    data.views("a", "2026-03-09T10:01:00Z", "v", 3).views("a", "2026-03-09T10:31:00Z", "v", 2, 3)
        .views("b", "2026-03-09T10:55:00Z", "w", 4).add("likes", "a", "2026-03-09T10:01:00Z", 2)
        .add("likes", "a", "2026-03-09T10:40:00Z", -1).add("shares", "b", "2026-03-09T10:20:00Z", 1);
    long now = Instant.parse("2026-03-10T00:10:00Z").getEpochSecond();
    Unit hour = new Unit(BucketSize.HOUR, Instant.parse("2026-03-09T10:00:00Z").getEpochSecond());
    Unit day = new Unit(BucketSize.DAY, Instant.parse("2026-03-09T00:00:00Z").getEpochSecond());
    Rollups one = new Rollups(builderConnection.async(), keys);
    RunningService.await(one.ensure(List.of(day), now, context()));
    Map<String, Object> first = state(hour, day);
    assertThat(first.get("views:" + hour.marker())).asString().contains("a=6").contains("b=4");
    assertThat(first.get("likes:" + day.marker())).asString().contains("a=1");
    assertThat(first.get("uniques:a:" + day.marker())).isEqualTo(5L);

    RunningService.await(one.roll(keys.shardOf("a"), hour, context()));
    RunningService.await(one.roll(keys.shardOf("a"), day, context()));
    Rollups other = new Rollups(builderConnection.async(), keys);
    for (int shard = 0; shard < SHARDS; shard++) {
      RunningService.await(other.roll(shard, hour, context()));
      RunningService.await(other.roll(shard, day, context()));
    }
    assertThat(state(hour, day)).isEqualTo(first);
    assertThat(redis.zrange(keys.rolled(keys.shardOf("a")), 0, -1)).contains(hour.marker(), day.marker());
  }

  private Map<String, Object> state(Unit hour, Unit day) {
    Map<String, Object> state = new LinkedHashMap<>();
    for (Unit unit : List.of(hour, day)) {
      for (String metric : Rollups.METRICS) {
        StringBuilder entries = new StringBuilder();
        for (int shard = 0; shard < SHARDS; shard++) {
          for (ScoredValue<String> sv : redis.zrangeWithScores(keys.top(shard, metric, unit.size(), unit.start()), 0, -1)) {
            entries.append(sv.getValue()).append('=').append(Math.round(sv.getScore())).append(' ');
          }
        }
        state.put(metric + ":" + unit.marker(), entries.toString());
      }
      for (String article : List.of("a", "b")) {
        state.put("uniques:" + article + ":" + unit.marker(),
            redis.pfcount(keys.bucketUniques(article, unit.size(), unit.start())));
      }
    }
    return state;
  }

  @Test
  void tiesByLowestIdNetLikesAndShares() {
    clock.set(Instant.parse("2026-03-10T12:00:10Z"));
    for (String article : List.of("zeta", "alpha", "beta")) {
      data.views(article, "2026-03-10T09:00:00Z", article, 2).views(article, "2026-03-10T12:00:05Z", article, 2, 1);
    }
    data.views("mid", "2026-03-10T11:56:00Z", "m", 5).views("omega", "2026-03-10T12:00:00Z", "o", 1)
        .add("likes", "liked", "2026-03-10T11:00:00Z", 2).add("likes", "undone", "2026-03-10T11:00:00Z", 1)
        .add("likes", "undone", "2026-03-10T12:00:00Z", -1).add("likes", "negative", "2026-03-10T12:00:00Z", -1)
        .add("shares", "shared", "2026-03-10T10:00:00Z", 2).add("shares", "other", "2026-03-10T12:00:00Z", 1);
    deploy(TopLists.Timing.readAfterWrite());
    assertThat(top(Metric.VIEWS, Window.DAY, 100))
        .containsExactlyEntriesOf(ordered("mid", 5, "alpha", 3, "beta", 3, "zeta", 3, "omega", 1));
    assertThat(top(Metric.VIEWS, Window.DAY, 2)).containsExactlyEntriesOf(ordered("mid", 5, "alpha", 3));
    assertThat(top(Metric.VIEWS, Window.HOUR, 10))
        .containsExactlyEntriesOf(ordered("mid", 5, "alpha", 1, "beta", 1, "omega", 1, "zeta", 1));
    assertThat(top(Metric.LIKES, Window.DAY, 10)).containsExactlyEntriesOf(ordered("liked", 2));
    assertThat(top(Metric.SHARES, Window.DAY, 10)).containsExactlyEntriesOf(ordered("shared", 2, "other", 1));
    assertThat(top(Metric.UNIQUES, Window.DAY, 10))
        .containsExactlyEntriesOf(ordered("mid", 5, "alpha", 3, "beta", 3, "zeta", 3, "omega", 1));
  }

  @Test
  void uniquesOfAHundredThousandVisitorsAreWithinTwoPercent() {
    // 60 000 visitors in a closed bucket (rolled into its hour's HLL), 50 000 in the open bucket, of
    // whom 10 000 came before: 100 000 distinct. Summing bucket uniques would say 110 000.
    data.views("big", "2026-03-10T09:12:00Z", "reader", 60_000)
        .views("big", "2026-03-10T12:01:00Z", "reader", 50_000, 50_000)
        .views("small", "2026-03-10T12:01:00Z", "other", 10);
    clock.set(Instant.parse("2026-03-10T12:02:00Z"));
    deploy(TopLists.Timing.readAfterWrite());
    Map<String, Long> uniques = top(Metric.UNIQUES, Window.DAY, 10);
    assertThat(uniques.keySet()).containsExactly("big", "small");
    assertThat(uniques.get("big")).isCloseTo(100_000L, Offset.offset(2_000L));
    assertThat(uniques.get("small")).isEqualTo(10);
    assertThat(top(Metric.VIEWS, Window.DAY, 10)).containsExactlyEntriesOf(ordered("big", 110_000, "small", 10));
  }

  @Test
  void aSmallArticlesRiseOutranksABigStorysSteadyTrafficAndThreeViewsDoNot() {
    for (int hour = 0; hour < 24; hour++) {
      String at = Instant.parse("2026-03-09T11:10:00Z").plus(Duration.ofHours(hour)).toString();
      data.views("big", at, "big-" + hour, 100).views("small", at, "small-" + hour, 1);
    }
    data.views("big", "2026-03-10T11:40:00Z", "big-now-a", 50).views("small", "2026-03-10T11:40:00Z", "s-a", 30)
        .views("tiny", "2026-03-10T11:40:00Z", "tiny", 3).views("big", "2026-03-10T12:20:00Z", "big-now-b", 50)
        .views("small", "2026-03-10T12:20:00Z", "s-b", 30);
    clock.set(Instant.parse("2026-03-10T12:30:00Z"));
    deploy(TopLists.Timing.readAfterWrite());
    TrendingList list = RunningService.await(new Trending(lists).trending(Window.HOUR, 10, context()));
    assertThat(list.from()).isEqualTo(Instant.parse("2026-03-10T11:35:00Z"));
    assertThat(list.baselineFrom()).isEqualTo(Instant.parse("2026-03-09T11:00:00Z"));
    assertThat(list.items().stream().map(TrendingItem::article).toList()).containsExactly("small", "big", "tiny");
    TrendingItem small = list.items().get(0);
    TrendingItem big = list.items().get(1);
    assertThat(small.recent()).isEqualTo(60);
    assertThat(big.recent()).isEqualTo(100);
    assertThat(big.baseline()).isCloseTo(2400 * 55 / 60.0 / 24, Offset.offset(0.01));
    assertThat(small.baseline()).isCloseTo(24 * 55 / 60.0 / 24, Offset.offset(0.01));
    assertThat(list.items().get(2).baseline()).isZero();
    assertThat(small.score()).isGreaterThan(1.0).isGreaterThan(big.score());
    TrendingList day = RunningService.await(new Trending(lists).trending(Window.DAY, 10, context()));
    assertThat(day.baselineTo()).isEqualTo(Instant.parse("2026-03-09T13:00:00Z"));
    assertThat(day.items()).isNotEmpty();
  }

  @Test
  void readsUnionNothingAndWithinTheirMaxAgeAskRedisNothing() {
    data.views("a", "2026-03-09T20:00:00Z", "a", 3).views("b", "2026-03-09T23:56:00Z", "b", 2);
    deploy(TopLists.Timing.readAfterWrite());
    // The bucket's first rebuild rolls up, sums the closed parts and merges the closed uniques; after
    // that, with every read rebuilding, none of it is repeated.
    top(Metric.UNIQUES, Window.WEEK, 10);
    Map<String, Long> before = commandCalls();
    for (Window window : Window.values()) {
      for (Metric metric : Metric.values()) {
        top(metric, window, 10);
      }
      assertThat(top(Metric.UNIQUES, window, 10)).isNotEmpty();
    }
    RunningService.await(new Trending(lists).trending(Window.DAY, 10, context()));
    Map<String, Long> afterRebuilds = commandCalls();
    assertThat(delta(before, afterRebuilds, "zunionstore")).as("ZUNIONSTORE per read").isZero();
    assertThat(delta(before, afterRebuilds, "pfmerge")).isZero();

    RunningService.await(vertx.undeploy(vertx.deploymentIDs().iterator().next()));
    deploy(new TopLists.Timing(Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(1)));
    top(Metric.UNIQUES, Window.DAY, 10);
    Map<String, Long> warm = commandCalls();
    for (int i = 0; i < 20; i++) {
      top(Metric.VIEWS, Window.MONTH, 10);
      top(Metric.UNIQUES, Window.HOUR, 10);
    }
    Map<String, Long> served = commandCalls();
    warm.remove("info");
    served.remove("info");
    assertThat(served).as("commands while serving from memory").isEqualTo(warm);
  }

  private static long delta(Map<String, Long> before, Map<String, Long> after, String command) {
    return after.getOrDefault(command, 0L) - before.getOrDefault(command, 0L);
  }

  /** Calls per command since the test Redis started (server-wide: only this class uses it while it runs). */
  private Map<String, Long> commandCalls() {
    Map<String, Long> calls = new LinkedHashMap<>();
    for (String line : redis.info("commandstats").split("\r?\n")) {
      if (line.startsWith("cmdstat_")) {
        String name = line.substring("cmdstat_".length(), line.indexOf(':'));
        String field = line.substring(line.indexOf("calls=") + 6);
        calls.put(name, Long.parseLong(field.substring(0, field.indexOf(','))));
      }
    }
    return calls;
  }
}
