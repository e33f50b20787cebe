package news.engagement;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import news.engagement.testing.HistoryViews;
import news.engagement.testing.RedisProcess;
import news.engagement.testing.ServiceProcess;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM of the packaged service while Redis is stalled: unready at once, still serving through
 * SHUTDOWN_GRACE, then every accepted event drained into Redis within SHUTDOWN_TIMEOUT and exit 0,
 * with exact totals in Redis and ClickHouse;
 * with Redis gone for longer than SHUTDOWN_TIMEOUT, exit 1 and the loss logged with its count.
 */
class ShutdownIT {
  private static final Logger LOG = LoggerFactory.getLogger(ShutdownIT.class);
  private static final int DB = 9;
  private static final String DATABASE = "fault_shutdown";
  private static final String CHROME =
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";

  private static Map<String, String> env(String grace, String timeout) {
    Map<String, String> env = new HashMap<>(Map.of("REDIS_URL", TestStores.redisUrl(DB),
        "RATE_LIMIT_PER_MINUTE", "0", "CLICKHOUSE_DATABASE", DATABASE, "BATCH_INTERVAL", "50ms"));
    env.put("SHUTDOWN_GRACE", grace);
    env.put("SHUTDOWN_TIMEOUT", timeout);
    return env;
  }

  private static int send(ServiceProcess service, String article, String visitorPrefix, int from, int n)
      throws Exception {
    StringBuilder body = new StringBuilder("[");
    for (int i = from; i < from + n; i++) {
      body.append(i == from ? "" : ",").append("{\"type\":\"view\",\"article\":\"").append(article)
          .append("\",\"vid\":\"").append(visitorPrefix).append(i).append("\"}");
    }
    HttpResponse<String> response = service.post("/v1/events", CHROME, null, body.append("]").toString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return new JsonObject(response.body()).getInteger("accepted");
  }

  @Test
  void unreadyAtOnceServingThroughTheGraceThenDrainedWhenRedisWakes() throws Exception {
    String article = "fault-term-" + UUID.randomUUID().toString().substring(0, 6);
    try (ServiceProcess service = ServiceProcess.start(env("3s", "20s"))) {
      drainsWhenRedisWakes(service, article);
    }
  }

  private static void drainsWhenRedisWakes(ServiceProcess service, String article) throws Exception {
    int accepted = send(service, article, "visitor-before-", 0, 100);
    assertThat(service.get("/health/ready").statusCode()).isEqualTo(200);
    RedisProcess.pause();
    try {
      for (int r = 0; r < 10; r++) {
        accepted += send(service, article, "visitor-stalled-", r * 100, 100);
      }
      long signalled = System.nanoTime();
      service.signalTerm();
      assertThat(firstReadyStatus(service)).as("unready once SIGTERM is handled").isEqualTo(503);
      // Still serving during the grace period: beacons sent before the balancer notices still count.
      for (int r = 0; r < 5; r++) {
        accepted += send(service, article, "visitor-grace-", r * 100, 100);
      }
      assertThat(service.get("/health/ready").statusCode()).isEqualTo(503);
      assertThat(Duration.ofNanos(System.nanoTime() - signalled)).isLessThan(Duration.ofSeconds(3));
      Thread.sleep(4_000); // past the grace: listeners closed, the drain waits for Redis
      assertThat(service.alive()).as("waiting for Redis to take the pending events").isTrue();
    } finally {
      RedisProcess.resume();
    }
    int exit = service.awaitExit(Duration.ofSeconds(25));
    LOG.info("Service log after SIGTERM:\n{}", service.log());
    assertThat(exit).isZero();
    assertThat(service.log()).contains("Stopped cleanly");
    assertThat(accepted).isEqualTo(1600);
    try (ServiceProcess again = ServiceProcess.start(env("0s", "5s"))) {
      assertThat(new JsonObject(again.get("/v1/articles/" + article).body()).getLong("views")).isEqualTo(accepted);
      // Flushed by the stopping service or, at the latest, by the next one: exact either way.
      HistoryViews.await(DATABASE, article, accepted, Duration.ofSeconds(30));
    }
  }

  @Test
  void redisAwayPastTheTimeoutExitsOneAndLogsWhatIsLost() throws Exception {
    String article = "fault-lost-" + UUID.randomUUID().toString().substring(0, 6);
    try (ServiceProcess service = ServiceProcess.start(env("0s", "3s"))) {
      RedisProcess.stop();
      try {
        losesWhatRedisNeverTook(service, article);
      } finally {
        RedisProcess.start();
      }
    }
  }

  private static void losesWhatRedisNeverTook(ServiceProcess service, String article) throws Exception {
    int accepted = send(service, article, "visitor-lost-", 0, 50);
    assertThat(accepted).isEqualTo(50);
    service.signalTerm();
    int exit = service.awaitExit(Duration.ofSeconds(15));
    LOG.info("Service log after SIGTERM:\n{}", service.log());
    assertThat(exit).isEqualTo(1);
    assertThat(service.log()).contains("Stopped with 50 accepted events not applied to Redis");
  }

  /** /health/ready right after the signal, polled for up to 1 s while the JVM starts its shutdown hook. */
  private static int firstReadyStatus(ServiceProcess service) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
    int status = service.get("/health/ready").statusCode();
    while (status == 200 && System.nanoTime() < deadline) {
      Thread.sleep(20);
      status = service.get("/health/ready").statusCode();
    }
    return status;
  }
}
