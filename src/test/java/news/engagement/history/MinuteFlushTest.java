package news.engagement.history;

import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import news.engagement.testing.TestRedis;
import static news.engagement.history.HistoryTesting.article;
import static news.engagement.history.HistoryTesting.clickhouseSums;
import static news.engagement.history.HistoryTesting.dirtyMinutes;
import static news.engagement.history.HistoryTesting.previews;
import static news.engagement.history.HistoryTesting.redisTotals;
import static news.engagement.history.HistoryTesting.traffic;
import static news.engagement.testing.RunningService.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import news.engagement.counting.Keys;
import news.engagement.testing.MutableClock;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The flush steps against the real Redis and ClickHouse. The service's own flusher is parked (1 h
 * interval) so that each test drives read / insert / ack by hand, including the interrupted cases.
 */
class MinuteFlushTest {
  private static final int REDIS_DB = 5;
  private static final String DATABASE = "history_flush_test";

  private static Vertx vertx;
  private static ClickHouseClient clickhouse;
  private static TestRedis connection;
  private static RedisClusterCommands<String, String> redis;

  private MutableClock clock;
  private RunningService service;
  private FlushCycle cycle;

  @BeforeAll
  static void stores() {
    vertx = Vertx.vertx();
    clickhouse = TestStores.clickhouse(vertx, DATABASE);
    await(clickhouse.execute(TestStores.dropDatabase(DATABASE)));
    connection = TestStores.connect(REDIS_DB);
    redis = connection.sync();
  }

  @AfterAll
  static void closeStores() {
    connection.close();
    clickhouse.close();
    await(vertx.close());
  }

  @BeforeEach
  void startService() {
    redis.flushdb();
    clock = MutableClock.at("2026-03-01T10:00:05Z");
    service = RunningService.start(REDIS_DB, clock, Map.of("CLICKHOUSE_DATABASE", DATABASE,
        "FLUSH_INTERVAL", "1h"));
    HistoryTesting.await("schema created", Duration.ofSeconds(20), () -> service.service.history().schemaInstalled());
    Context context = vertx.getOrCreateContext();
    cycle = new FlushCycle(connection.async(), service.service.keys(), clickhouse, clock, context);
  }

  @AfterEach
  void stopService() {
    if (service != null) {
      service.close();
    }
  }

  @Test
  void theSameFlushTwiceChangesNothing() {
    String a = article("flush-twice");
    String b = article("news/2026/flush-twice");
    traffic(service, a, "va", 30, 5, 4);
    previews(service, a, 3);
    clock.advance(Duration.ofMinutes(1));
    traffic(service, a, "vb", 7, 2, 1);
    traffic(service, b, "vc", 11, 0, 2);

    FlushCycle.Snapshot snapshot = await(cycle.read());
    assertThat(snapshot.minutes().stream().map(FlushCycle.Minute::epochSecond).distinct()).hasSize(2);
    assertThat(await(cycle.insert(snapshot))).isEqualTo(3);
    await(cycle.insert(snapshot));

    assertThat(clickhouseSums(clickhouse, a)).isEqualTo(redisTotals(service, a)).isEqualTo(List.of(37L, 5L, 5L, 3L));
    assertThat(clickhouseSums(clickhouse, b)).isEqualTo(redisTotals(service, b));
    assertThat(await(cycle.ack(snapshot))).isEqualTo((long) snapshot.minutes().size());
    assertThat(dirtyMinutes(redis)).isZero();

    // Once more after the acknowledgement (a lost answer makes a flusher do just that).
    await(cycle.insert(snapshot));
    assertThat(clickhouseSums(clickhouse, a)).isEqualTo(redisTotals(service, a));
  }

  @Test
  void aFlushInterruptedBeforeItsAcknowledgementIsRepeatedWithoutDoubleCounting() {
    String a = article("flush-interrupted");
    traffic(service, a, "va", 20, 3, 2);
    FlushCycle.Snapshot interrupted = await(cycle.read());
    await(cycle.insert(interrupted));
    // The flusher dies here: no acknowledgement; the minute stays dirty.
    assertThat(dirtyMinutes(redis)).isEqualTo(1);

    traffic(service, a, "vb", 9, 1, 1);
    FlushCycle.Snapshot next = await(cycle.read());
    await(cycle.insert(next));
    assertThat(await(cycle.ack(next))).isEqualTo(1);

    assertThat(clickhouseSums(clickhouse, a)).isEqualTo(redisTotals(service, a)).isEqualTo(List.of(29L, 2L, 3L, 0L));
    assertThat(dirtyMinutes(redis)).isZero();
  }

  @Test
  void aMinuteChangedDuringTheFlushStaysDirtyUntilItsNewVersionIsIn() {
    String a = article("flush-changed");
    traffic(service, a, "va", 10, 0, 0);
    FlushCycle.Snapshot snapshot = await(cycle.read());
    traffic(service, a, "vb", 4, 0, 0);
    await(cycle.insert(snapshot));
    // A late acknowledgement of the older version must not clean the minute.
    assertThat(await(cycle.ack(snapshot))).isZero();
    assertThat(dirtyMinutes(redis)).isEqualTo(1);
    assertThat(clickhouseSums(clickhouse, a).get(0)).isEqualTo(10L);

    FlushCycle.Snapshot next = await(cycle.read());
    await(cycle.insert(next));
    assertThat(await(cycle.ack(next))).isEqualTo(1);
    assertThat(clickhouseSums(clickhouse, a)).isEqualTo(redisTotals(service, a));
  }

  @Test
  void oldMinutesLeaveRedisOnlyAfterClickHouseHasThem() {
    String a = article("flush-old");
    long oldMinute = Instant.parse("2026-03-01T10:00:00Z").getEpochSecond();
    traffic(service, a, "va", 5, 0, 0);
    clock.advance(FlushCycle.KEEP_MINUTE_HASH.plusMinutes(5));
    long recentMinute = Math.floorDiv(clock.millis() / 1000, 60) * 60;
    traffic(service, a, "vb", 6, 0, 0);
    Keys keys = service.service.keys();
    int shard = keys.shardOf(a);

    FlushCycle.Snapshot snapshot = await(cycle.read());
    await(cycle.insert(snapshot));
    assertThat(redis.hlen(keys.minute(shard, oldMinute))).as("old minute kept until the ack").isGreaterThan(3);
    await(cycle.ack(snapshot));

    assertRetired(keys.minute(shard, oldMinute));
    assertThat(redis.hexists(keys.minute(shard, recentMinute), a + "\tviews")).as("recent minute kept for late batches")
        .isTrue();
    assertThat(clickhouseSums(clickhouse, a)).isEqualTo(redisTotals(service, a));

    // The recent minute, clean since that ack and never written again, is retired once it is old enough.
    clock.advance(FlushCycle.KEEP_MINUTE_HASH.plusMinutes(1));
    FlushCycle.Snapshot later = await(cycle.read());
    assertThat(later.minutes()).isEmpty();
    await(cycle.ack(later));
    assertRetired(keys.minute(shard, recentMinute));
    assertThat(redis.zcard(keys.cleanMinutes(shard))).isZero();
    assertThat(clickhouseSums(clickhouse, a)).isEqualTo(redisTotals(service, a));
  }

  /** A retired minute is a tombstone: its version and generation, marked gone, with a TTL. */
  private static void assertRetired(String minuteKey) {
    assertThat(redis.hgetall(minuteKey)).containsOnlyKeys("__v", "__g", "__gone");
    assertThat(redis.ttl(minuteKey)).isPositive();
  }

  @Test
  void lagIsTheAgeOfTheOldestChangeNotYetInClickHouse() {
    assertThat(await(cycle.lagSeconds())).isZero();
    String a = article("flush-lag");
    traffic(service, a, "va", 3, 0, 0); // at 10:00:05, in minute 10:00
    assertThat(await(cycle.lagSeconds())).isEqualTo(5);
    clock.advance(Duration.ofMinutes(2));
    assertThat(await(cycle.lagSeconds())).isEqualTo(125);

    FlushCycle.Snapshot snapshot = await(cycle.read()); // read at 10:02:05
    await(cycle.insert(snapshot));
    await(cycle.ack(snapshot));
    assertThat(await(cycle.lagSeconds())).isZero();

    traffic(service, a, "vb", 1, 0, 0); // minute 10:02, but everything before 10:02:05 is in
    clock.advance(Duration.ofSeconds(30));
    assertThat(await(cycle.lagSeconds())).isEqualTo(30);
  }

  @Test
  void stoppingTheServiceFlushesWhatTheBatcherDrained() {
    String a = article("flush-stop");
    traffic(service, a, "va", 12, 2, 3);
    previews(service, a, 2);
    List<Long> totals = redisTotals(service, a);
    service.close();
    service = null;
    assertThat(clickhouseSums(clickhouse, a)).isEqualTo(totals).isEqualTo(List.of(12L, 1L, 3L, 2L));
    assertThat(dirtyMinutes(redis)).isZero();
    assertThat(redis.exists(Keys.FLUSH_LEASE)).as("lease released on stop").isZero();
  }

  @Test
  void twoInstancesFlushingTogetherKeepSumsExact() {
    Map<String, String> env = Map.of("CLICKHOUSE_DATABASE", DATABASE, "FLUSH_INTERVAL", "1s");
    try (RunningService one = RunningService.start(REDIS_DB, clock, env);
        RunningService two = RunningService.start(REDIS_DB, clock, env)) {
      String a = article("flush-two");
      traffic(one, a, "va", 15, 3, 2);
      traffic(two, a, "vb", 8, 2, 1);
      clock.advance(Duration.ofMinutes(1));
      previews(two, a, 4);
      traffic(one, a, "vc", 6, 0, 0);
      HistoryTesting.await("flushed", Duration.ofSeconds(30), () -> dirtyMinutes(redis) == 0);
      assertThat(redis.get(Keys.FLUSH_LEASE)).as("one instance holds the lease").isNotNull();
      assertThat(clickhouseSums(clickhouse, a)).isEqualTo(redisTotals(one, a)).isEqualTo(List.of(29L, 3L, 3L, 4L));
    }
  }

  @Test
  void onlyOneInstanceHoldsTheFlushLease() {
    Context context = vertx.getOrCreateContext();
    FlushLease first = new FlushLease(connection.async(), "first", Duration.ofSeconds(10));
    FlushLease second = new FlushLease(connection.async(), "second", Duration.ofSeconds(10));
    assertThat(await(first.hold(context))).isTrue();
    assertThat(await(second.hold(context))).isFalse();
    assertThat(await(first.hold(context))).as("renewed by its holder").isTrue();
    assertThat(redis.pttl(Keys.FLUSH_LEASE)).isPositive();
    await(second.release(context));
    assertThat(await(second.hold(context))).as("a non-holder cannot release it").isFalse();
    await(first.release(context));
    assertThat(await(second.hold(context))).isTrue();
  }
}
