package news.engagement.history;

import static news.engagement.history.HistoryTesting.article;
import static news.engagement.history.HistoryTesting.clickhouseSums;
import static news.engagement.history.HistoryTesting.dirtyMinutes;
import static news.engagement.history.HistoryTesting.redisTotals;
import static news.engagement.history.HistoryTesting.traffic;
import static news.engagement.testing.RunningService.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import news.engagement.counting.Keys;
import news.engagement.testing.MutableClock;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestRedis;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Batches that reach Redis after their minute was flushed, and flushes that write only what changed.
 * The service's own flusher is parked (1 h interval); each test drives read / insert / ack by hand.
 */
class LateBatchTest {
  private static final int REDIS_DB = 5;
  private static final String DATABASE = "history_late_test";
  private static final Instant START = Instant.parse("2026-03-01T10:00:05Z");
  private static final long MINUTE = Instant.parse("2026-03-01T10:00:00Z").getEpochSecond();

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
    clock = new MutableClock(START);
    service = RunningService.start(REDIS_DB, clock, Map.of("CLICKHOUSE_DATABASE", DATABASE, "FLUSH_INTERVAL", "1h"));
    HistoryTesting.await("schema created", Duration.ofSeconds(20), () -> service.service.history().schemaInstalled());
    cycle = new FlushCycle(connection.async(), service.service.keys(), clickhouse, clock, vertx.getOrCreateContext());
  }

  @AfterEach
  void stopService() {
    service.close();
  }

  @Test
  void aBatchTwentyMinutesLateReachesHistoryExactly() {
    String a = article("news/late");
    traffic(service, a, "va", 10, 3, 2);
    flush();
    clock.advance(Duration.ofMinutes(20));
    flush(); // the clean minute is old enough now: retired
    Keys keys = service.service.keys();
    String minuteKey = keys.minute(keys.shardOf(a), MINUTE);
    assertThat(redis.hget(minuteKey, "__gone")).as("minute retired").isEqualTo("1");

    // A batch made in minute 10:00 that reaches Redis only now (it was refused for 20 minutes).
    lateBatch(() -> traffic(service, a, "vb", 4, 1, 1));
    assertThat(redis.hget(minuteKey, "__g")).as("a new generation").isEqualTo("1");
    assertThat(redis.ttl(minuteKey)).as("no longer the tombstone's TTL").isEqualTo(-1);
    flush();
    assertThat(clickhouseSums(clickhouse, a)).isEqualTo(redisTotals(service, a)).isEqualTo(List.of(14L, 2L, 3L, 0L));
    assertThat(viewRowsOfTheMinute(a)).as("the minute's two generations, summed by the reader")
        .isEqualTo(List.of("2", "14"));

    // Once more, later still: a third generation; and repeated flushes change nothing.
    clock.advance(Duration.ofMinutes(20));
    flush();
    lateBatch(() -> traffic(service, a, "vc", 5, 0, 0));
    FlushCycle.Snapshot snapshot = await(cycle.read());
    assertThat(snapshot.minutes()).singleElement().satisfies(m -> assertThat(m.generation()).isEqualTo(2));
    await(cycle.insert(snapshot));
    await(cycle.insert(snapshot));
    await(cycle.ack(snapshot));
    await(cycle.insert(snapshot));
    assertThat(clickhouseSums(clickhouse, a)).isEqualTo(redisTotals(service, a)).isEqualTo(List.of(19L, 2L, 3L, 0L));
    assertThat(dirtyMinutes(redis)).isZero();
  }

  @Test
  void aLateBatchBeforeTheMinuteIsRetiredJoinsItsGeneration() {
    String a = article("late-early");
    traffic(service, a, "va", 6, 0, 1);
    flush();
    clock.advance(Duration.ofMinutes(5));
    lateBatch(() -> traffic(service, a, "vb", 3, 0, 0));
    FlushCycle.Snapshot snapshot = await(cycle.read());
    assertThat(snapshot.minutes()).singleElement().satisfies(m -> assertThat(m.generation()).isZero());
    await(cycle.insert(snapshot));
    await(cycle.ack(snapshot));
    assertThat(clickhouseSums(clickhouse, a)).isEqualTo(redisTotals(service, a)).isEqualTo(List.of(9L, 0L, 1L, 0L));
  }

  @Test
  void onlyArticlesChangedSinceTheLastFlushAreWrittenAgain() {
    String busy = article("changed-busy");
    String quiet = article("changed-quiet");
    traffic(service, busy, "va", 5, 0, 0);
    traffic(service, quiet, "vb", 2, 1, 0);
    assertThat(flush()).as("first flush of the open minute: both articles").isEqualTo(2);
    traffic(service, busy, "vc", 3, 0, 0);
    assertThat(flush()).as("the open minute again: only the article that changed").isEqualTo(1);
    assertThat(flush()).as("nothing changed: nothing written").isZero();
    clock.advance(Duration.ofMinutes(1));
    traffic(service, busy, "vd", 1, 0, 0);
    assertThat(flush()).as("the closed minute is not written again, the new one is").isEqualTo(1);
    assertThat(clickhouseSums(clickhouse, busy)).isEqualTo(redisTotals(service, busy)).isEqualTo(List.of(9L, 0L, 0L, 0L));
    assertThat(clickhouseSums(clickhouse, quiet)).isEqualTo(redisTotals(service, quiet));
  }

  /** One read / insert / ack; answers the rows inserted. */
  private int flush() {
    FlushCycle.Snapshot snapshot = await(cycle.read());
    int rows = await(cycle.insert(snapshot));
    await(cycle.ack(snapshot));
    return rows;
  }

  /** Runs traffic whose batches are stamped in minute 10:00 (the batcher's clock), then restores the clock. */
  private void lateBatch(Runnable traffic) {
    Instant now = clock.instant();
    clock.set(START.plusSeconds(30));
    try {
      traffic.run();
    } finally {
      clock.set(now);
    }
  }

  private List<String> viewRowsOfTheMinute(String article) {
    String[] row = await(clickhouse.queryTabSeparated("SELECT count(), sum(views) FROM " + DATABASE + "."
        + Schema.VIEW + " WHERE article_id = " + Schema.quote(article) + " AND minute = toDateTime(" + MINUTE
        + ") FORMAT TabSeparated")).get(0);
    return List.of(row);
  }
}
