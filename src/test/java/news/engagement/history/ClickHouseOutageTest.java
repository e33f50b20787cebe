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

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import news.engagement.metrics.EngagementMetrics;
import news.engagement.testing.ClickHouseProcess;
import news.engagement.testing.MutableClock;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.Test;

/** The whole service with ClickHouse stopped for a while in the middle of traffic, then restarted. */
class ClickHouseOutageTest {
  private static final int REDIS_DB = 6;
  private static final String DATABASE = "history_outage_test";

  @Test
  void nothingIsLostOrDoubledAcrossAClickHouseOutageAndLagShowsTheDelay() throws Exception {
    Vertx vertx = Vertx.vertx();
    ClickHouseClient clickhouse = TestStores.clickhouse(vertx, DATABASE);
    MutableClock clock = MutableClock.at("2026-04-02T08:00:05Z");
    try (TestRedis connection = TestStores.connect(REDIS_DB)) {
      RedisClusterCommands<String, String> redis = connection.sync();
      redis.flushdb();
      await(clickhouse.execute(TestStores.dropDatabase(DATABASE)));
      try (RunningService service = RunningService.start(REDIS_DB, clock,
          Map.of("CLICKHOUSE_DATABASE", DATABASE, "FLUSH_INTERVAL", "1s"))) {
        String a = article("outage-a");
        String b = article("news/outage-b");
        traffic(service, a, "va", 25, 4, 3);
        previews(service, b, 2);
        HistoryTesting.await("first flush", Duration.ofSeconds(30), () -> dirtyMinutes(redis) == 0);
        HistoryTesting.await("ready", Duration.ofSeconds(10), () -> service.service.history().ready());
        assertThat(clickhouseSums(clickhouse, a)).isEqualTo(redisTotals(service, a));

        duringOutage(service, clock, a, b);

        HistoryTesting.await("backlog flushed after the restart", Duration.ofSeconds(90), () -> dirtyMinutes(redis) == 0);
        assertThat(clickhouseSums(clickhouse, a)).isEqualTo(redisTotals(service, a));
        assertThat(clickhouseSums(clickhouse, b)).isEqualTo(redisTotals(service, b));
        HistoryTesting.await("lag back to 0", Duration.ofSeconds(10), () -> lag(service) == 0);
        HistoryTesting.await("ready again", Duration.ofSeconds(10), () -> service.service.history().ready());
        assertThat(service.registry.scrape()).contains("engagement_clickhouse_flush_seconds_count",
            "engagement_clickhouse_rows_total", "engagement_clickhouse_flush_failures_total",
            "engagement_clickhouse_lag_seconds");
      }
    } finally {
      if (!ClickHouseProcess.answers()) {
        ClickHouseProcess.start();
      }
      clickhouse.close();
      await(vertx.close());
    }
  }

  private static void duringOutage(RunningService service, MutableClock clock, String a, String b) throws Exception {
    ClickHouseProcess.stop();
    try {
      traffic(service, a, "vb", 9, 2, 1);
      clock.advance(Duration.ofMinutes(1));
      traffic(service, b, "vc", 14, 1, 2);
      clock.advance(Duration.ofMinutes(2));
      previews(service, a, 5);
      // Everything since the last flush read (08:00:05) is missing from ClickHouse: three minutes by now.
      HistoryTesting.await("lag grows", Duration.ofSeconds(20), () -> lag(service) >= 180);
      HistoryTesting.await("failed flushes counted", Duration.ofSeconds(20),
          () -> service.registry.get(EngagementMetrics.CLICKHOUSE_FLUSH_FAILURES).counter().count() > 0);
      HistoryTesting.await("not ready", Duration.ofSeconds(20), () -> !service.service.history().ready());
      // Events keep being counted in Redis meanwhile.
      assertThat(redisTotals(service, b).get(0)).isEqualTo(14L);
    } finally {
      ClickHouseProcess.start();
    }
  }

  private static double lag(RunningService service) {
    return service.registry.get(EngagementMetrics.CLICKHOUSE_LAG).gauge().value();
  }
}
