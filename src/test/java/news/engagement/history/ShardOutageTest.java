package news.engagement.history;

import static news.engagement.history.ClusterNodes.lag;
import static news.engagement.history.HistoryTesting.article;
import static news.engagement.history.HistoryTesting.clickhouseSums;
import static news.engagement.history.HistoryTesting.dirtyMinutes;
import static news.engagement.history.HistoryTesting.redisTotals;
import static news.engagement.history.HistoryTesting.traffic;
import static news.engagement.testing.RunningService.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import news.engagement.metrics.EngagementMetrics;
import news.engagement.testing.ClickHouseProcess;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestRedis;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.Test;

/**
 * History on the local two-shard ClickHouse cluster (always, whatever TEST_CLICKHOUSE_MODE says): the
 * second shard (one replica, node 2) is stopped for 20 s while traffic keeps coming, then restarted. Inserts through the
 * Distributed table fail while a shard is away (they are synchronous), so the minutes stay dirty in
 * Redis, the lag gauge rises, and once the shard is back it returns to zero with sums exact on both shards.
 */
class ShardOutageTest {
  private static final int REDIS_DB = 7;
  private static final String DATABASE = "history_shard_outage_test";
  private static final Duration OUTAGE = Duration.ofSeconds(20);

  @Test
  void aShardStoppedFor20SecondsMidTrafficDelaysHistoryAndLosesNothing() throws Exception {
    String cluster = System.getenv("TEST_CLICKHOUSE_CLUSTER");
    assertThat(cluster).as("TEST_CLICKHOUSE_CLUSTER (scripts/test.sh sets it)").isNotBlank();
    String entry = TestStores.clickhouseClusterUrls().get(0);
    Vertx vertx = Vertx.vertx();
    ClusterNodes nodes = new ClusterNodes(vertx, DATABASE);
    ClickHouseClient clickhouse = new ClickHouseClient(vertx, entry, DATABASE, "default", "", Duration.ofSeconds(30),
        Optional.of(cluster));
    List<String> articles = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      articles.add(article("shard-outage-" + i));
    }
    try (TestRedis connection = TestStores.connect(REDIS_DB)) {
      RedisClusterCommands<String, String> redis = connection.sync();
      redis.flushdb();
      await(clickhouse.execute("DROP DATABASE IF EXISTS " + DATABASE + " ON CLUSTER " + cluster));
      try (RunningService service = RunningService.start(REDIS_DB, Clock.systemUTC(), Map.of(
          "CLICKHOUSE_URL", entry, "CLICKHOUSE_CLUSTER", cluster, "CLICKHOUSE_DATABASE", DATABASE,
          "FLUSH_INTERVAL", "1s"))) {
        for (String a : articles) {
          traffic(service, a, "before", 5, 1, 1);
        }
        HistoryTesting.await("first flush", Duration.ofSeconds(60), () -> dirtyMinutes(redis) == 0);
        assertExact(service, clickhouse, articles);
        assertThat(nodes.rows(ClusterNodes.SHARD_2, articles)).as("some of the articles live on the second shard").isPositive();
        assertThat(nodes.rows(ClusterNodes.SHARD_1, articles)).as("and some on the first").isPositive();

        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicReference<Throwable> trafficFailure = new AtomicReference<>();
        AtomicInteger round = new AtomicInteger();
        Thread sender = new Thread(() -> {
          try {
            while (sending.get()) {
              int r = round.incrementAndGet();
              traffic(service, articles.get(r % articles.size()), "during-" + r, 3, 1, 0);
              Thread.sleep(200); // pacing of the traffic, not a wait for an outcome
            }
          } catch (Throwable e) {
            trafficFailure.set(e);
          }
        }, "shard-outage-traffic");
        sender.start();
        try {
          ClickHouseProcess.stopNode(2);
          long until = System.nanoTime() + OUTAGE.toNanos();
          HistoryTesting.await("lag rises while a shard is away", Duration.ofSeconds(60), () -> lag(service) >= 10);
          assertThat(service.registry.get(EngagementMetrics.CLICKHOUSE_FLUSH_FAILURES).counter().count()).isPositive();
          HistoryTesting.await("the outage lasted " + OUTAGE, OUTAGE.plusSeconds(30), () -> System.nanoTime() >= until);
          assertThat(lag(service)).as("still behind at the end of the outage").isGreaterThanOrEqualTo(10);
        } finally {
          ClickHouseProcess.startNode(2);
        }
        HistoryTesting.await("a few rounds of traffic after the restart", Duration.ofSeconds(60),
            () -> round.get() > 0 && trafficFailure.get() == null && lag(service) < 10);
        sending.set(false);
        sender.join();
        assertThat(trafficFailure.get()).isNull();
        assertThat(round.get()).as("traffic kept coming during the outage").isGreaterThan(20);

        HistoryTesting.await("backlog flushed after the restart", Duration.ofSeconds(90), () -> dirtyMinutes(redis) == 0);
        HistoryTesting.await("lag back to 0", Duration.ofSeconds(30), () -> lag(service) == 0);
        assertExact(service, clickhouse, articles);
      }
    } finally {
      if (!ClickHouseProcess.nodeAnswers(2)) {
        ClickHouseProcess.startNode(2);
      }
      clickhouse.close();
      nodes.close();
      await(vertx.close());
    }
  }

  private static void assertExact(RunningService service, ClickHouseClient clickhouse, List<String> articles) {
    for (String a : articles) {
      assertThat(clickhouseSums(clickhouse, a)).as(a).isEqualTo(redisTotals(service, a));
    }
  }
}
