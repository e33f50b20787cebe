package news.engagement.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import news.engagement.testing.RunningService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The service's /metrics after real traffic: every metric the dashboards chart is there, with few labels. */
class MetricsEndpointTest {
  private static final int REDIS_DB = 8;
  private static final String ARTICLE = "2026-02-07-metrics-endpoint-article";
  /** Dashboard metrics allowed to be missing from /metrics: none, now that every feature is merged. */
  static final Set<String> AWAITING_HISTORY = Set.of();

  private static RunningService service;

  @BeforeAll
  static void start() {
    service = RunningService.start(REDIS_DB, Clock.systemUTC(), Map.of("CLICKHOUSE_DATABASE", "obs_metrics"));
    Traffic.send(service, ARTICLE);
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  @Test
  void servesEveryMetricTheDashboardsChart() {
    Set<String> wanted = Dashboards.allMetricNames();
    // The GC pause timer appears at the first collection after start.
    System.gc();
    Set<String> missing = missingAfterWaiting(wanted, Duration.ofSeconds(20));
    assertThat(missing).as("dashboard metrics absent from /metrics").isSubsetOf(AWAITING_HISTORY);
    assertThat(wanted).as("the dashboards chart the SPEC's meters").contains("engagement_events_received_total",
        "engagement_events_counted_total", "engagement_events_dropped_total", "engagement_events_pending",
        "engagement_redis_batch_seconds_bucket", "vertx_http_server_response_time_seconds_bucket",
        "jvm_memory_used_bytes", "jvm_gc_pause_seconds_sum");
  }

  @Test
  void countsTheTrafficInPrometheusTextFormat() {
    HttpResponse<Buffer> response = service.get(MetricsHandler.PATH);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).startsWith("text/plain; version=0.0.4");
    String text = response.bodyAsString();
    assertThat(value(text, "engagement_events_received_total{type=\"view\"}")).isGreaterThanOrEqualTo(Traffic.VIEWS);
    assertThat(value(text, "engagement_events_counted_total{type=\"view\"}")).isGreaterThanOrEqualTo(Traffic.VIEWS);
    assertThat(value(text, "engagement_events_dropped_total{reason=\"bot\"}")).isGreaterThanOrEqualTo(1);
    assertThat(value(text, "engagement_events_dropped_total{reason=\"duplicate\"}")).isGreaterThanOrEqualTo(1);
    assertThat(value(text, "engagement_events_dropped_total{reason=\"invalid\"}")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void labelsStayLowCardinality() {
    String text = service.get(MetricsHandler.PATH).bodyAsString();
    writeForHumans(text);
    assertThat(text).as("no article id in any label").doesNotContain(ARTICLE);
    assertThat(text).as("routes are patterns").contains("route=\"/v1/articles/:id\"");
    Set<String> labelNames = Arrays.stream(text.split("\n"))
        .filter(line -> line.startsWith("vertx_http_") && line.contains("{"))
        .flatMap(line -> Arrays.stream(line.substring(line.indexOf('{') + 1, line.indexOf('}')).split(",")))
        .map(pair -> pair.replaceAll("=.*", ""))
        .filter(name -> !name.isBlank())
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(labelNames).isSubsetOf("method", "code", "route", "le");
  }

  /** Polls /metrics until nothing is missing but what waits for the history work, or the limit passes. */
  private static Set<String> missingAfterWaiting(Set<String> wanted, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      Set<String> missing = new TreeSet<>(wanted);
      missing.removeAll(sampleNames(service.get(MetricsHandler.PATH).bodyAsString()));
      if (AWAITING_HISTORY.containsAll(missing) || System.nanoTime() > deadline) {
        return missing;
      }
      Traffic.sleep(200);
    }
  }

  /** Leaves the scrape in target/ for whoever edits the dashboards and wants to see what is there. */
  private static void writeForHumans(String text) {
    try {
      java.nio.file.Files.writeString(java.nio.file.Path.of("target", "metrics-scrape.txt"), text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The names of the samples in a Prometheus text exposition. */
  static Set<String> sampleNames(String exposition) {
    return Arrays.stream(exposition.split("\n"))
        .filter(line -> !line.isBlank() && !line.startsWith("#"))
        .map(line -> line.split("[{ ]", 2)[0])
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The value of one sample, given exactly as it appears in the exposition (name and labels). */
  static double value(String exposition, String sample) {
    return Arrays.stream(exposition.split("\n"))
        .filter(line -> line.startsWith(sample + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(sample.length() + 1).trim().split(" ")[0]))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no sample " + sample + " in /metrics"));
  }
}
