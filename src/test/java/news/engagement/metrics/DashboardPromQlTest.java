package news.engagement.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import news.engagement.testing.RunningService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Prometheus scrapes the in-process service every second; after traffic, every PromQL
 * expression of the dashboards evaluates without error, and those on the service's own meters (all
 * but the ClickHouse flusher's, until it is merged) return series.
 */
class DashboardPromQlTest {
  private static final int REDIS_DB = 10;
  private static final Duration PATIENCE = Duration.ofSeconds(45);

  private static RunningService service;
  private static LocalPrometheus prometheus;

  @BeforeAll
  static void start() throws IOException {
    assertThat(LocalPrometheus.BINARY).as("Debian's prometheus package (scripts/test.sh installs it)").exists();
    service = RunningService.start(REDIS_DB, Clock.systemUTC(), Map.of("CLICKHOUSE_DATABASE", "obs_promql"));
    prometheus = LocalPrometheus.scraping(service.port());
    prometheus.awaitTargetUp(PATIENCE);
    // Traffic after the first scrape, so that rates over the next scrapes are above zero.
    Traffic.send(service, "2026-02-07-promql-article");
    System.gc();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (prometheus != null) {
      prometheus.close();
    }
    if (service != null) {
      service.close();
    }
  }

  @Test
  void theTrafficShowsInTheEventRate() throws IOException {
    JsonArray result = awaitSeries("sum(rate(engagement_events_received_total[1m])) > 0");
    assertThat(result).as("received events per second after traffic").hasSize(1);
  }

  @Test
  void everyDashboardExpressionEvaluates() throws IOException {
    for (Dashboards.Query query : Dashboards.promQueries()) {
      String promql = Dashboards.promForEvaluation(query.text());
      boolean ours = Collections.disjoint(Dashboards.metricNames(promql), MetricsEndpointTest.AWAITING_HISTORY);
      if (ours) {
        assertThat(awaitSeries(promql)).as(query.toString()).isNotEmpty();
      } else {
        JsonObject answer = prometheus.query(promql);
        assertThat(answer.getString("status")).as(query + " -> " + answer).isEqualTo("success");
        assertThat(answer.containsKey("error")).as(query + " -> " + answer).isFalse();
      }
    }
  }

  /** Evaluates until the expression returns series (a rate needs two scrapes) or patience runs out. */
  private static JsonArray awaitSeries(String promql) throws IOException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      JsonObject answer = prometheus.query(promql);
      assertThat(answer.getString("status")).as(promql + " -> " + answer).isEqualTo("success");
      assertThat(answer.containsKey("error")).as(promql + " -> " + answer).isFalse();
      JsonArray result = answer.getJsonObject("data").getJsonArray("result");
      if (!result.isEmpty() || System.nanoTime() > deadline) {
        return result;
      }
      Traffic.sleep(500);
    }
  }
}
