package news.engagement.query;

import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import news.engagement.testing.TestRedis;
import static news.engagement.query.Traffic.ordered;
import static news.engagement.query.Traffic.send;
import static news.engagement.query.Traffic.top;
import static news.engagement.query.Traffic.views;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import news.engagement.counting.Keys;
import news.engagement.counting.Keys.BucketSize;
import news.engagement.testing.MutableClock;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Each window's bucket arithmetic on the real Redis, across UTC hour and day boundaries: a view at 23:58
 * ("late", 2 views) and one at 00:03 ("early", 1 view), then reads at the instants where each leaves
 * each window (the builder rolls up hours and days as the clock passes them, also backwards: every test
 * only moves the read clock). Also the buckets' expiry. The events are sent once.
 * Shares its Redis database with {@link TopTraceTest}, whose data lies in another year.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TopWindowsTest {
  static final int REDIS_DB = 4;

  private final MutableClock clock = MutableClock.at("2026-03-09T23:58:00Z");
  private RunningService service;

  @BeforeAll
  void start() {
    service = RunningService.start(REDIS_DB, clock, Map.of("CLICKHOUSE_DATABASE", "test_top_windows"));
    send(service, views("late", "late", 2));
    clock.set(Instant.parse("2026-03-10T00:03:00Z"));
    send(service, views("early", "early", 1));
  }

  @AfterAll
  void stop() {
    service.close();
  }

  @Test
  void oneHourIsTwelveFiveMinuteBuckets() {
    assertWindow("1h", "2026-03-10T00:03:00Z", ordered("late", 2, "early", 1));
    // 00:54:59: the current bucket is 00:50, the oldest 23:55, which holds 23:58.
    assertWindow("1h", "2026-03-10T00:54:59Z", ordered("late", 2, "early", 1));
    assertWindow("1h", "2026-03-10T00:55:00Z", ordered("early", 1));
    assertWindow("1h", "2026-03-10T00:59:59Z", ordered("early", 1));
    assertWindow("1h", "2026-03-10T01:00:00Z", ordered());
  }

  @Test
  void twentyFourHoursIsTwentyFourHourlyBuckets() {
    assertWindow("24h", "2026-03-10T00:03:00Z", ordered("late", 2, "early", 1));
    assertWindow("24h", "2026-03-10T22:59:59Z", ordered("late", 2, "early", 1));
    assertWindow("24h", "2026-03-10T23:00:00Z", ordered("early", 1));
    assertWindow("24h", "2026-03-10T23:59:59Z", ordered("early", 1));
    assertWindow("24h", "2026-03-11T00:00:00Z", ordered());
  }

  @Test
  void sevenDaysIsOneHundredSixtyEightHourlyBuckets() {
    assertWindow("7d", "2026-03-16T22:59:59Z", ordered("late", 2, "early", 1));
    assertWindow("7d", "2026-03-16T23:00:00Z", ordered("early", 1));
    assertWindow("7d", "2026-03-16T23:59:59Z", ordered("early", 1));
    assertWindow("7d", "2026-03-17T00:00:00Z", ordered());
  }

  @Test
  void thirtyDaysIsThirtyUtcDays() {
    assertWindow("30d", "2026-03-10T00:03:00Z", ordered("late", 2, "early", 1));
    assertWindow("30d", "2026-04-07T23:59:59Z", ordered("late", 2, "early", 1));
    assertWindow("30d", "2026-04-08T00:00:00Z", ordered("early", 1));
    assertWindow("30d", "2026-04-08T23:59:59Z", ordered("early", 1));
    assertWindow("30d", "2026-04-09T00:00:00Z", ordered());
  }

  @Test
  void rolledBucketsAndSumsExpireAndReadsLeaveNothingElseBehind() {
    // At 01:00 the 23:00 hour and the 9th are closed (plus grace) and whole in every window's closed part.
    clock.set(Instant.parse("2026-03-10T01:00:00Z"));
    for (Window window : Window.values()) {
      for (Metric metric : Metric.values()) {
        top(service, "metric=" + metric.code() + "&window=" + window.code());
      }
    }
    service.get("/v1/editor/trending");
    long late = Instant.parse("2026-03-09T23:58:00Z").getEpochSecond();
    Keys keys = new Keys(Keys.DEFAULT_SHARDS);
    int shard = keys.shardOf("late");
    try (TestRedis connection = TestStores.connect(REDIS_DB)) {
      RedisClusterCommands<String, String> redis = connection.sync();
      for (BucketSize size : BucketSize.values()) {
        // The batch writes 5-minute buckets; the builder rolls up hours and days.
        String key = keys.top(shard, "views", size, size.startOf(late));
        assertThat(redis.zscore(key, "late")).as(key).isEqualTo(2.0);
        assertTtl(redis, key, size.retention());
        String hll = keys.bucketUniques("late", size, size.startOf(late));
        assertThat(redis.pfcount(hll)).as(hll).isEqualTo(2);
        assertTtl(redis, hll, size.retention());
      }
      assertThat(redis.zrange(keys.rolled(shard), 0, -1)).contains("1h:" + BucketSize.HOUR.startOf(late),
          "1d:" + BucketSize.DAY.startOf(late));
      // The top lists' keys all expire; closed-window and baseline sums within minutes.
      for (String key : redis.keys(Keys.PREFIX + "*")) {
        if (key.matches(".*\\}:(t|ub|w|wu|rolled)(:.*)?")) {
          assertThat(redis.ttl(key)).as(key).isPositive();
        }
        if (key.contains("}:w:")) {
          assertThat(Duration.ofSeconds(redis.ttl(key))).as(key).isLessThanOrEqualTo(Duration.ofMinutes(70));
        }
      }
    }
  }

  private static void assertTtl(RedisClusterCommands<String, String> redis, String key, Duration retention) {
    // Kept for its window (plus a margin); the test ran for seconds, not hours.
    assertThat(Duration.ofSeconds(redis.ttl(key))).as(key)
        .isLessThanOrEqualTo(retention).isGreaterThan(retention.minusMinutes(5));
  }

  private void assertWindow(String window, String at, Map<String, Long> expected) {
    clock.set(Instant.parse(at));
    for (String metric : new String[] {"views", "uniques"}) {
      assertThat(top(service, "metric=" + metric + "&window=" + window))
          .as(metric + " over " + window + " at " + at).containsExactlyEntriesOf(expected);
    }
  }
}
