package news.engagement.history;

import static news.engagement.history.HistoryTesting.article;
import static news.engagement.history.HistoryTesting.dirtyMinutes;
import static news.engagement.history.HistoryTesting.oneViewEach;
import static news.engagement.testing.RunningService.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import news.engagement.testing.ClickHouseSums;
import news.engagement.testing.FreePort;
import news.engagement.testing.MutableClock;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestRedis;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.Test;

/**
 * Three hours of traffic while ClickHouse cannot be reached (the injectable clock stands in for the
 * hours), then the backlog is caught up in flushes and INSERTs of bounded size, exactly.
 */
class CatchUpTest {
  private static final int REDIS_DB = 5;
  private static final String DATABASE = "history_catch_up_test";
  private static final int MINUTES = 180;
  /** 40 rows of ~150 bytes would be ~6 000 bytes: the byte bound cuts the bodies before the row bound. */
  private static final FlushCycle.Limits LIMITS = new FlushCycle.Limits(100, 40, 4_000);

  @Test
  void aThreeHourOutageIsCaughtUpInBoundedChunksExactly() {
    Vertx vertx = Vertx.vertx();
    ClickHouseClient clickhouse = TestStores.clickhouse(vertx, DATABASE);
    // Nothing listens there: every insert fails, as during an outage.
    ClickHouseClient unreachable = new ClickHouseClient(vertx, "http://127.0.0.1:" + FreePort.pick(), DATABASE,
        "default", "");
    MutableClock clock = MutableClock.at("2026-05-04T06:00:05Z");
    try (TestRedis connection = TestStores.connect(REDIS_DB)) {
      RedisClusterCommands<String, String> redis = connection.sync();
      redis.flushdb();
      await(clickhouse.execute(TestStores.dropDatabase(DATABASE)));
      try (RunningService service = RunningService.start(REDIS_DB, clock,
          Map.of("CLICKHOUSE_DATABASE", DATABASE, "FLUSH_INTERVAL", "1h"))) {
        HistoryTesting.await("schema created", Duration.ofSeconds(20), () -> service.service.history().schemaInstalled());
        Context context = vertx.getOrCreateContext();
        FlushCycle down = new FlushCycle(connection.async(), service.service.keys(), unreachable, clock, context, LIMITS);
        List<FlushCycle.Body> bodies = new ArrayList<>();
        FlushCycle up = new FlushCycle(connection.async(), service.service.keys(), clickhouse, clock, context, LIMITS,
            bodies::add);

        List<String> articles = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          articles.add(article("catch-up-" + i));
        }
        Map<String, Long> expected = new TreeMap<>();
        for (int minute = 0; minute < MINUTES; minute++) {
          // Three of the five articles each minute, so minutes differ and some articles skip minutes.
          List<String> now = List.of(articles.get(minute % 5), articles.get((minute + 1) % 5),
              articles.get((minute + 3) % 5));
          oneViewEach(service, "m" + minute, now);
          now.forEach(a -> expected.merge(a, 1L, Long::sum));
          if (minute % 30 == 0) {
            FlushCycle.Snapshot snapshot = await(down.read());
            assertThatThrownBy(() -> await(down.insert(snapshot))).as("ClickHouse is down");
          }
          clock.advance(Duration.ofMinutes(1));
        }
        assertThat(dirtyMinutes(redis)).as("every minute of the outage waits in Redis").isGreaterThanOrEqualTo(MINUTES);

        int flushes = 0;
        int rows = 0;
        int rowBodies = 0;
        FlushCycle.Snapshot snapshot;
        do {
          snapshot = await(up.read());
          int maxRowsOfOneMinute = snapshot.minutes().stream().mapToInt(m -> m.rows().size()).max().orElse(0);
          assertThat(snapshot.rowCount()).as("a flush stops once it holds its row limit")
              .isLessThan(LIMITS.rowsPerFlush() + maxRowsOfOneMinute);
          int before = bodies.size();
          rows += await(up.insert(snapshot));
          List<FlushCycle.Body> sent = bodies.subList(before, bodies.size()).stream()
              .filter(b -> b.table().equals(Schema.ROWS_TABLE)).toList();
          assertThat(sent).as("the flush's INSERT bodies").allSatisfy(b -> {
            assertThat(b.rows()).isBetween(1, LIMITS.rowsPerInsert());
            assertThat(b.bytes()).isLessThanOrEqualTo(LIMITS.bytesPerInsert());
          });
          assertThat(sent.stream().mapToInt(FlushCycle.Body::rows).sum()).isEqualTo(snapshot.rowCount());
          rowBodies += sent.size();
          await(up.ack(snapshot));
          flushes++;
        } while (!snapshot.complete() || !snapshot.minutes().isEmpty());

        assertThat(rows).as("each article's minute once").isEqualTo(3 * MINUTES);
        assertThat(flushes).as("caught up in several bounded steps").isGreaterThanOrEqualTo(3 * MINUTES / 100);
        assertThat(rowBodies).as("the byte bound splits a flush's rows into several streamed bodies")
            .isGreaterThan(2 * flushes);
        assertThat(dirtyMinutes(redis)).isZero();
        assertThat(await(up.lagSeconds())).isZero();
        assertThat(ClickHouseSums.views(DATABASE, articles)).isEqualTo(expected);
      }
    } finally {
      clickhouse.close();
      unreachable.close();
      await(vertx.close());
    }
  }
}
