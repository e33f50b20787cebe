package news.engagement.history;

import static news.engagement.history.ClusterNodes.SHARD_1;
import static news.engagement.history.ClusterNodes.SHARD_1_SECOND_REPLICA;
import static news.engagement.history.ClusterNodes.SHARD_2;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.DoubleAccumulator;
import news.engagement.metrics.EngagementMetrics;
import news.engagement.testing.ClickHouseProcess;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestRedis;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * History on the local ClickHouse cluster's replicated shard (always, whatever TEST_CLICKHOUSE_MODE says):
 * shard 1 is a pair of replicas (nodes 1 and 3), shard 2 one server (node 2). After a flush both replicas
 * hold the same rows; with one replica killed for 30 s mid-traffic, inserts through the Distributed table
 * go on to the other replica, and the killed one catches up through ZooKeeper once it is back.
 */
class ReplicaTest {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaTest.class);
  private static final int REDIS_DB = 7;
  private static final String DATABASE = "history_replica_test";
  private static final Duration OUTAGE = Duration.ofSeconds(30);
  private static final String ROWS_ORDER = "article_id, minute, generation, version";
  private static final String SITE_ORDER = "minute, shard, generation, version";

  private final Vertx vertx = Vertx.vertx();
  private final ClusterNodes nodes = new ClusterNodes(vertx, DATABASE);

  @AfterEach
  void restartAndClose() throws Exception {
    try {
      for (int node : List.of(SHARD_1, SHARD_1_SECOND_REPLICA)) {
        if (!ClickHouseProcess.nodeAnswers(node)) {
          ClickHouseProcess.startNode(node);
        }
      }
    } finally {
      nodes.close();
      await(vertx.close());
    }
  }

  @Test
  void bothReplicasOfAShardHoldTheSameRowsAfterAFlush() {
    List<String> articles = articles("replica-same", 12);
    try (TestRedis connection = TestStores.connect(REDIS_DB);
        RunningService service = start(connection.sync(), SHARD_1)) {
      RedisClusterCommands<String, String> redis = connection.sync();
      for (String a : articles) {
        traffic(service, a, "first", 4, 2, 1);
      }
      HistoryTesting.await("first flush", Duration.ofSeconds(60), () -> dirtyMinutes(redis) == 0);
      for (String a : articles.subList(0, 6)) {
        traffic(service, a, "second", 3, 1, 1); // a second version of some minutes
      }
      HistoryTesting.await("second flush", Duration.ofSeconds(60), () -> dirtyMinutes(redis) == 0);

      List<String> onShard1 = onShard1(articles);
      awaitReplicasEqual(Duration.ofSeconds(60));
      assertExact(service, articles, onShard1, List.of(SHARD_1), List.of(SHARD_1, SHARD_1_SECOND_REPLICA));
      HistoryTesting.await("replication settled on both replicas", Duration.ofSeconds(60),
          () -> nodes.replicationSettled(SHARD_1) && nodes.replicationSettled(SHARD_1_SECOND_REPLICA));
      assertThat(nodes.replicas(SHARD_1_SECOND_REPLICA)).allSatisfy(table -> assertThat(table[4]).isEqualTo("2"));
    }
  }

  @Test
  void aReplicaKilledFor30SecondsMidTrafficLosesNothingAndCatchesUp() throws Exception {
    List<String> articles = articles("replica-outage", 12);
    // The service enters at shard 2's node, so its inserts reach shard 1 through the Distributed table's
    // choice of replica (on a node of shard 1 they would go to the local replica without choosing).
    try (TestRedis connection = TestStores.connect(REDIS_DB);
        RunningService service = start(connection.sync(), SHARD_2)) {
      RedisClusterCommands<String, String> redis = connection.sync();
      for (String a : articles) {
        traffic(service, a, "before", 5, 1, 1);
      }
      HistoryTesting.await("first flush", Duration.ofSeconds(60), () -> dirtyMinutes(redis) == 0);
      List<String> onShard1 = onShard1(articles);
      awaitReplicasEqual(Duration.ofSeconds(60));
      double failuresBefore = failures(service);

      // SIGKILL shard 1's first replica (the first one in remote_servers): a crash, no clean ZooKeeper logout.
      ClickHouseProcess.killNode(SHARD_1);
      long until = System.nanoTime() + OUTAGE.toNanos();
      DoubleAccumulator maxLag = new DoubleAccumulator(Math::max, 0);
      try (Traffic during = new Traffic(service, articles, "during", maxLag)) {
        HistoryTesting.await("traffic while the replica is down", Duration.ofSeconds(60), () -> during.rounds() >= 15);
      }
      // A quiet moment inside the outage: everything counted so far is in history, exact, on the other replica.
      HistoryTesting.await("backlog flushed with one replica down", Duration.ofSeconds(60), () -> dirtyMinutes(redis) == 0);
      HistoryTesting.await("lag 0 with one replica down", Duration.ofSeconds(30), () -> lag(service) == 0);
      assertThat(ClickHouseProcess.nodeAnswers(SHARD_1)).as("the killed replica is still down").isFalse();
      assertExact(service, articles, onShard1, List.of(SHARD_2), List.of(SHARD_1_SECOND_REPLICA));
      try (Traffic during = new Traffic(service, articles, "later", maxLag)) {
        HistoryTesting.await("the outage lasted " + OUTAGE, OUTAGE.plusSeconds(60),
            () -> System.nanoTime() >= until && during.rounds() >= 5);
        assertThat(maxLag.get()).as("lag while one replica was down (a shard down reaches the outage's length)")
            .isLessThan(OUTAGE.toSeconds());
        ClickHouseProcess.startNode(SHARD_1);
        int restartedAt = during.rounds();
        HistoryTesting.await("a few rounds of traffic after the restart", Duration.ofSeconds(60),
            () -> during.rounds() >= restartedAt + 10);
      }

      HistoryTesting.await("backlog flushed after the restart", Duration.ofSeconds(60), () -> dirtyMinutes(redis) == 0);
      HistoryTesting.await("lag back to 0", Duration.ofSeconds(30), () -> lag(service) == 0);
      // The restarted replica fetches what it missed once its old ZooKeeper session has expired (up to
      // session_timeout_ms after the kill): see docs/scaling.md, "A replica down".
      awaitReplicasEqual(Duration.ofSeconds(120));
      HistoryTesting.await("replication settled on both replicas", Duration.ofSeconds(60),
          () -> nodes.replicationSettled(SHARD_1) && nodes.replicationSettled(SHARD_1_SECOND_REPLICA));
      assertExact(service, articles, onShard1, List.of(SHARD_2, SHARD_1), List.of(SHARD_1, SHARD_1_SECOND_REPLICA));
      LOG.info("Max lag while a replica was down: {} s; flushes failed meanwhile: {}", maxLag.get(),
          failures(service) - failuresBefore);
    }
  }

  @Test
  void aServiceStartedWhileAReplicaIsDownInstallsItsSchemaAndFlushes() throws Exception {
    List<String> articles = articles("replica-restart", 8);
    try (TestRedis connection = TestStores.connect(REDIS_DB)) {
      RedisClusterCommands<String, String> redis = connection.sync();
      try (RunningService first = start(redis, SHARD_1)) {
        traffic(first, articles.get(0), "first", 2, 1, 0);
        HistoryTesting.await("first instance's flush", Duration.ofSeconds(60), () -> dirtyMinutes(redis) == 0);
      }
      // A deploy while a replica is down: the new instance's ON CLUSTER DDL (CREATE ... IF NOT EXISTS of
      // every room) cannot finish on the dead node; the live nodes run it, the dead one from its queue later.
      ClickHouseProcess.killNode(SHARD_1_SECOND_REPLICA);
      try (RunningService service = RunningService.start(REDIS_DB, Clock.systemUTC(), env(SHARD_1))) {
        for (String a : articles) {
          traffic(service, a, "second", 4, 1, 1);
        }
        HistoryTesting.await("flushed by an instance started with a replica down", Duration.ofSeconds(120),
            () -> dirtyMinutes(redis) == 0);
        List<String> onShard1 = onShard1(articles);
        assertExact(service, articles, onShard1, List.of(SHARD_1), List.of(SHARD_1));
        ClickHouseProcess.startNode(SHARD_1_SECOND_REPLICA);
        awaitReplicasEqual(Duration.ofSeconds(120));
        assertExact(service, articles, onShard1, List.of(SHARD_1), List.of(SHARD_1_SECOND_REPLICA));
      }
    }
  }

  private RunningService start(RedisClusterCommands<String, String> redis, int entryNode) {
    redis.flushdb();
    await(nodes.through(SHARD_1).execute("DROP DATABASE IF EXISTS " + DATABASE + " ON CLUSTER " + ClusterNodes.cluster()));
    return RunningService.start(REDIS_DB, Clock.systemUTC(), env(entryNode));
  }

  private static Map<String, String> env(int entryNode) {
    return Map.of("CLICKHOUSE_URL", ClusterNodes.url(entryNode), "CLICKHOUSE_CLUSTER", ClusterNodes.cluster(),
        "CLICKHOUSE_DATABASE", DATABASE, "FLUSH_INTERVAL", "1s");
  }

  private static List<String> articles(String prefix, int n) {
    List<String> articles = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      articles.add(article(prefix + "-" + i));
    }
    return articles;
  }

  /** The articles of shard 1 (those not on shard 2's node), asserting both shards have some. */
  private List<String> onShard1(List<String> articles) {
    List<String> onShard1 = articles.stream().filter(a -> nodes.rows(SHARD_2, List.of(a)) == 0).toList();
    assertThat(onShard1).as("some articles live on shard 1").isNotEmpty();
    assertThat(onShard1).as("and some on shard 2").hasSizeLessThan(articles.size());
    return onShard1;
  }

  /** Waits until shard 1's replicas hold the same rows after FINAL, article rows and site totals alike. */
  private void awaitReplicasEqual(Duration limit) {
    HistoryTesting.await("shard 1's replicas hold the same rows", limit, () -> {
      List<String> first = nodes.finalRows(SHARD_1, Schema.ROWS_TABLE, ROWS_ORDER);
      return !first.isEmpty() && first.equals(nodes.finalRows(SHARD_1_SECOND_REPLICA, Schema.ROWS_TABLE, ROWS_ORDER))
          && nodes.finalRows(SHARD_1, Schema.SITE_TABLE, SITE_ORDER)
              .equals(nodes.finalRows(SHARD_1_SECOND_REPLICA, Schema.SITE_TABLE, SITE_ORDER));
    });
  }

  /**
   * Every article's sums equal Redis' read through each of {@code entries}' Distributed tables, and in the
   * local table of each of {@code replicas} (shard 1's nodes) for shard 1's articles (none for shard 2's).
   */
  private void assertExact(RunningService service, List<String> articles, List<String> onShard1, List<Integer> entries,
      List<Integer> replicas) {
    for (String a : articles) {
      List<Long> counted = redisTotals(service, a);
      for (int entry : entries) {
        assertThat(clickhouseSums(nodes.through(entry), a)).as("%s through node %d's Distributed table", a, entry)
            .isEqualTo(counted);
      }
      for (int replica : replicas) {
        assertThat(nodes.localSums(replica, a)).as("%s in node %d's local table", a, replica)
            .isEqualTo(onShard1.contains(a) ? counted : List.of(0L, 0L, 0L, 0L));
      }
    }
  }

  private static double failures(RunningService service) {
    return service.registry.get(EngagementMetrics.CLICKHOUSE_FLUSH_FAILURES).counter().count();
  }

  /** Traffic to the articles in rounds from a thread of its own until closed; samples the lag gauge each round. */
  private static final class Traffic implements AutoCloseable {
    private final AtomicBoolean sending = new AtomicBoolean(true);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicInteger round = new AtomicInteger();
    private final Thread thread;

    Traffic(RunningService service, List<String> articles, String visitors, DoubleAccumulator maxLag) {
      thread = new Thread(() -> {
        try {
          while (sending.get()) {
            int r = round.incrementAndGet();
            traffic(service, articles.get(r % articles.size()), visitors + "-" + r, 3, 1, 0);
            maxLag.accumulate(lag(service));
            Thread.sleep(200); // pacing of the traffic, not a wait for an outcome
          }
        } catch (Throwable e) {
          failure.set(e);
        }
      }, "replica-test-traffic");
      thread.start();
    }

    int rounds() {
      if (failure.get() != null) {
        throw new AssertionError("traffic failed", failure.get());
      }
      return round.get();
    }

    @Override
    public void close() throws InterruptedException {
      sending.set(false);
      thread.join();
      rounds();
    }
  }
}
