package news.engagement;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import news.engagement.testing.ClickHouseSums;
import news.engagement.testing.RunningService;
import news.engagement.testing.ServiceProcess;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two packaged instances share one Redis (or the cluster, in the suite's cluster pass) and one ClickHouse,
 * as behind a load balancer; traffic alternates between them. One is SIGKILLed mid-run (after what it
 * accepted reached Redis: a SIGKILL loses at most the last batch interval, see README) while it may hold
 * the flush lease; the other goes on alone. Afterwards Redis and ClickHouse hold exactly what was sent.
 */
class TwoInstancesIT {
  private static final Logger LOG = LoggerFactory.getLogger(TwoInstancesIT.class);
  private static final int DB = 13;
  private static final String DATABASE = "two_instances";

  @Test
  void oneInstanceKilledMidRunLosesAndDoublesNothing() throws Exception {
    String run = "two-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> env = Map.of("REDIS_URL", TestStores.redisUrl(DB), "RATE_LIMIT_PER_MINUTE", "0",
        "CLICKHOUSE_DATABASE", DATABASE, "FLUSH_INTERVAL", "1s");
    Map<String, Long> truth = new LinkedHashMap<>();
    try (ServiceProcess a = ServiceProcess.start(env); ServiceProcess b = ServiceProcess.start(env)) {
      int visitor = 0;
      for (int round = 0; round < 200; round++, visitor += 10) {
        send(round % 2 == 0 ? a : b, run, visitor, truth);
      }
      awaitDrained(b);
      b.kill();
      LOG.info("Killed instance b; a goes on alone");
      for (int round = 0; round < 100; round++, visitor += 10) {
        send(a, run, visitor, truth);
      }
      awaitDrained(a);
      Map<String, Long> live = new LinkedHashMap<>();
      for (String article : truth.keySet()) {
        live.put(article, Long.parseLong(a.get("/v1/articles/" + article).body()
            .replaceAll(".*\"views\":(\\d+).*", "$1")));
      }
      assertThat(live).isEqualTo(truth);
      // The flush lease of the killed instance lapses; the survivor flushes everything exactly once.
      ClickHouseSums.awaitViews(DATABASE, truth, Duration.ofSeconds(40));
    }
  }

  /** Ten views by new visitors over five articles, in one request. */
  private static void send(ServiceProcess to, String run, int firstVisitor, Map<String, Long> truth) throws Exception {
    StringBuilder body = new StringBuilder("[");
    for (int i = 0; i < 10; i++) {
      String article = run + "-" + (i % 5);
      body.append(i == 0 ? "" : ",").append("{\"type\":\"view\",\"article\":\"").append(article)
          .append("\",\"vid\":\"visitor-").append(run).append('-').append(firstVisitor + i).append("\"}");
      truth.merge(article, 1L, Long::sum);
    }
    HttpResponse<String> answer = to.post("/v1/events", RunningService.BROWSER_UA, null, body.append(']').toString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
    assertThat(answer.body()).contains("\"accepted\":10");
  }

  private static void awaitDrained(ServiceProcess service) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (service.metric("engagement_events_pending") > 0) {
      assertThat(System.nanoTime()).as("pending events applied within 20 s").isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
