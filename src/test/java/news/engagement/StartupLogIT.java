package news.engagement;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import news.engagement.testing.PrivateRedis;
import news.engagement.testing.ServiceProcess;
import org.junit.jupiter.api.Test;

/**
 * The packaged service's first start on an empty Redis and a ClickHouse without its database, as a
 * newcomer meets it: the log holds no WARN or ERROR line, from start through the first requests and
 * the first flush to a clean stop. A warning on a clean start teaches people to ignore warnings.
 */
class StartupLogIT {
  /** The level column of the logback pattern in src/main/resources/logback.xml. */
  private static final Pattern WARN_OR_ERROR = Pattern.compile("^\\S+\\s+(WARN|ERROR)\\b.*");
  private static final String CHROME =
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";

  @Test
  void aCleanStartLogsNoWarningAndNoError() throws Exception {
    String log;
    try (PrivateRedis redis = PrivateRedis.start()) {
      ServiceProcess service = ServiceProcess.start(Map.of(
          "REDIS_URL", redis.url(),
          "CLICKHOUSE_DATABASE", "startup_log_" + System.currentTimeMillis(),
          "EDITOR_TOKEN", "startup-log-editor-token",
          "VISITOR_SECRET", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
      try {
        await(service, "/health/ready", response -> response.statusCode() == 200);
        // Each on a connection of its own: Vert.x's per-connection and per-request meters are made again.
        for (String path : List.of("/", "/demo/article", "/editor", "/metrics", "/health/live", "/v1/top")) {
          assertThat(freshClientGet(service, path).statusCode()).as(path).isEqualTo(200);
        }
        HttpResponse<String> accepted = service.post("/v1/events", CHROME, null,
            "{\"type\":\"view\",\"article\":\"startup-log\",\"vid\":\"startup-reader-1\"}");
        assertThat(accepted.statusCode()).isEqualTo(202);
        await(service, "/metrics", response -> rowsWritten(response.body()) > 0);
        // 143 is 128 + SIGTERM: how the JVM exits after its shutdown hook ran.
        assertThat(service.terminate()).as("exit code after SIGTERM").isIn(0, 143);
        log = service.log();
      } finally {
        service.close();
      }
    }
    assertThat(log).contains("listening on", "ClickHouse schema ready", "Stopped cleanly");
    List<String> complaints = Arrays.stream(log.split("\n")).filter(WARN_OR_ERROR.asPredicate()).toList();
    assertThat(complaints).as("WARN and ERROR lines in the log:\n" + log).isEmpty();
  }

  private static HttpResponse<String> freshClientGet(ServiceProcess service, String path) throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static double rowsWritten(String metrics) {
    return Arrays.stream(metrics.split("\n"))
        .filter(line -> line.startsWith("engagement_clickhouse_rows_total"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static void await(ServiceProcess service, String path, Predicate<HttpResponse<String>> condition)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    HttpResponse<String> last = service.get(path);
    while (!condition.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(path + " did not get there within 30 s; last answer " + last.statusCode() + ": "
            + last.body() + "\nlog:\n" + service.log());
      }
      Thread.sleep(200);
      last = service.get(path);
    }
  }
}
