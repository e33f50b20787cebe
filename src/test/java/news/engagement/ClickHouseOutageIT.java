package news.engagement;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import news.engagement.testing.ClickHouseProcess;
import news.engagement.testing.HistoryViews;
import news.engagement.testing.ServiceProcess;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ClickHouse killed for 20 s under the packaged service: ready stays 200 throughout (the outage shows
 * in the report's details and in the lag metric), and afterwards ClickHouse holds exactly the counts.
 */
class ClickHouseOutageIT {
  private static final Logger LOG = LoggerFactory.getLogger(ClickHouseOutageIT.class);
  private static final Duration OUTAGE = Duration.ofSeconds(20);
  private static final String DATABASE = "fault_clickhouse";
  private static final String CHROME =
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";

  @Test
  void readyStaysUpTheLagRisesAndHistoryIsExactAfterwards() throws Exception {
    String article = "fault-ch-" + UUID.randomUUID().toString().substring(0, 6);
    try (ServiceProcess service = ServiceProcess.start(Map.of("REDIS_URL", TestStores.redisUrl(9),
        "CLICKHOUSE_DATABASE", DATABASE, "FLUSH_INTERVAL", "1s", "RATE_LIMIT_PER_MINUTE", "0"))) {
      int sent = send(service, article, 0, 50);
      HistoryViews.await(DATABASE, article, sent, Duration.ofSeconds(30));

      List<Integer> readiness = new ArrayList<>();
      double lag = 0;
      String clickhouseDetail = null;
      ClickHouseProcess.stop();
      try {
        long end = System.nanoTime() + OUTAGE.toNanos();
        for (int i = 1; System.nanoTime() < end; i++) {
          sent += send(service, article, 1_000 + i * 10, 10); // visitors of their own: no duplicates
          HttpResponse<String> ready = service.get("/health/ready");
          readiness.add(ready.statusCode());
          clickhouseDetail = new JsonObject(ready.body()).getJsonObject("details").getJsonObject("clickhouse")
              .getString("status");
          lag = Math.max(lag, lagSeconds(service));
          Thread.sleep(1_000);
        }
      } finally {
        ClickHouseProcess.start();
      }
      LOG.info("During a {} ClickHouse outage: {} readiness probes, statuses {}, lag up to {} s, {} events sent",
          OUTAGE, readiness.size(), readiness.stream().distinct().toList(), lag, sent);
      assertThat(readiness).isNotEmpty().containsOnly(200);
      assertThat(clickhouseDetail).isEqualTo("DOWN");
      assertThat(lag).as("lag shows the outage").isGreaterThanOrEqualTo(10);
      HistoryViews.await(DATABASE, article, sent, Duration.ofSeconds(60));
      assertThat(new JsonObject(service.get("/v1/articles/" + article).body()).getLong("views")).isEqualTo(sent);
    }
  }

  private static int send(ServiceProcess service, String article, int from, int n) throws Exception {
    StringBuilder body = new StringBuilder("[");
    for (int i = from; i < from + n; i++) {
      body.append(i == from ? "" : ",").append("{\"type\":\"view\",\"article\":\"").append(article)
          .append("\",\"vid\":\"outage-visitor-").append(i).append("\"}");
    }
    HttpResponse<String> response = service.post("/v1/events", CHROME, null, body.append("]").toString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return new JsonObject(response.body()).getInteger("accepted");
  }

  private static double lagSeconds(ServiceProcess service) throws Exception {
    for (String line : service.get("/metrics").body().split("\n")) {
      if (line.startsWith("engagement_clickhouse_lag_seconds ")) {
        return Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
      }
    }
    throw new AssertionError("no engagement_clickhouse_lag_seconds in /metrics");
  }
}
