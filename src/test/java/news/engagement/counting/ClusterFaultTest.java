package news.engagement.counting;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.SlotHash;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import news.engagement.testing.ClickHouseSums;
import news.engagement.testing.LocalCluster;
import news.engagement.testing.RunningService;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counting on the local Redis Cluster (3 masters, 3 replicas) while it fails: a manual fail-over of the
 * hottest article's master, that master killed with SIGKILL and its replica promoted, the hottest slot
 * migrated to another master, all mid-traffic. Afterwards every article's views in Redis and in
 * ClickHouse equal what was sent: nothing lost, nothing doubled.
 */
class ClusterFaultTest {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterFaultTest.class);
  private static final int ARTICLES = 10;

  @Test
  void failOverKillAndReshardMidTrafficLoseAndDoubleNothing() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String database = "test_cluster_faults";
    try (LocalCluster cluster = new LocalCluster();
         RunningService service = RunningService.start(0, Clock.systemUTC(), Map.of(
             "REDIS_URL", LocalCluster.url(), "CLICKHOUSE_DATABASE", database, "FLUSH_INTERVAL", "1s"))) {
      Keys keys = service.service.keys();
      String hot = "cluster-hot-" + run;
      int hotSlot = SlotHash.getSlot(keys.tag(keys.shardOf(hot)));
      Map<String, AtomicInteger> sent = new ConcurrentHashMap<>();
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicReference<Throwable> trafficError = new AtomicReference<>();
      Thread traffic = new Thread(() -> send(service, run, hot, sent, running, trafficError));
      traffic.start();

      Thread.sleep(1_000);
      int master = cluster.masterOf(hotSlot);
      int promoted = cluster.failOver(master);
      LOG.info("Manual fail-over of slot {}: {} took over from {}", hotSlot, promoted, master);
      Thread.sleep(1_000);
      cluster.kill(promoted);
      LocalCluster.await("a replica serves slot " + hotSlot + " again", () -> {
        try {
          return cluster.masterOf(hotSlot) != promoted;
        } catch (AssertionError notYet) {
          return false;
        }
      });
      LOG.info("Killed master {}; slot {} now on {}", promoted, hotSlot, cluster.masterOf(hotSlot));
      Thread.sleep(1_000);
      cluster.restart(promoted);
      int target = cluster.migrate(hotSlot);
      LOG.info("Migrated slot {} to {}", hotSlot, target);
      Thread.sleep(1_000);
      running.set(false);
      traffic.join();
      assertThat(trafficError.get()).isNull();

      service.awaitApplied();
      Map<String, Long> truth = new LinkedHashMap<>();
      sent.forEach((article, n) -> truth.put(article, (long) n.get()));
      Map<String, Long> live = new LinkedHashMap<>();
      truth.keySet().forEach(article -> live.put(article, service.article(article).getLong("views")));
      LOG.info("Sent {} views; {} batch applications failed and were retried", truth.values().stream()
          .mapToLong(Long::longValue).sum(), service.registry.get("engagement.redis.batch.failures").counter().count());
      assertThat(live).isEqualTo(truth);
      assertThat(truth.get(hot)).isGreaterThan(100);
      ClickHouseSums.awaitViews(database, truth, Duration.ofSeconds(30));
    }
  }

  /** Views of new visitors, half of them on the hot article, until told to stop; counts what was accepted. */
  private static void send(RunningService service, String run, String hot, Map<String, AtomicInteger> sent,
      AtomicBoolean running, AtomicReference<Throwable> error) {
    int visitor = 0;
    try {
      while (running.get()) {
        StringBuilder body = new StringBuilder("[");
        List<String> articles = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++, visitor++) {
          String article = i % 2 == 0 ? hot : "cluster-" + run + "-" + (visitor % ARTICLES);
          articles.add(article);
          body.append(i == 0 ? "" : ",").append("{\"type\":\"view\",\"article\":\"").append(article)
              .append("\",\"vid\":\"visitor-").append(run).append('-').append(visitor).append("\"}");
        }
        HttpResponse<Buffer> answer = service.postEvents(body.append(']').toString(), RunningService.BROWSER_UA);
        if (answer.statusCode() != 202 || answer.bodyAsJsonObject().getInteger("accepted") != 20) {
          throw new AssertionError("not all accepted: " + answer.statusCode() + " " + answer.bodyAsString());
        }
        articles.forEach(a -> sent.computeIfAbsent(a, k -> new AtomicInteger()).incrementAndGet());
        Thread.sleep(5);
      }
    } catch (Throwable e) {
      error.set(e);
    }
  }
}
