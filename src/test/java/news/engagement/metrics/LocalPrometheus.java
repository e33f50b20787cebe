package news.engagement.metrics;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import news.engagement.testing.FreePort;

/**
 * Debian's Prometheus ({@code /usr/bin/prometheus}) on a free port with its own temporary storage,
 * scraping one target's /metrics every second. For tests: blocking calls, test thread only.
 */
final class LocalPrometheus implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/prometheus");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Path dir;
  private final Process process;
  private final String base;

  private LocalPrometheus(Path dir, Process process, int port) {
    this.dir = dir;
    this.process = process;
    this.base = "http://127.0.0.1:" + port;
  }

  static LocalPrometheus scraping(int targetPort) throws IOException {
    Path dir = Files.createTempDirectory("engagement-prometheus");
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        scrape_configs:
          - job_name: engagement
            metrics_path: %s
            static_configs:
              - targets: ["127.0.0.1:%d"]
        """.formatted(MetricsHandler.PATH, targetPort));
    int port = FreePort.pick();
    Process process = new ProcessBuilder(BINARY.toString(),
        "--config.file=" + config,
        "--storage.tsdb.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port,
        "--log.level=warn")
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("prometheus.log").toFile())
        .start();
    return new LocalPrometheus(dir, process, port);
  }

  /** Waits until Prometheus answers and has scraped the target successfully at least once. */
  void awaitTargetUp(Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("Prometheus exited: " + log());
      }
      try {
        JsonObject answer = query("up{job=\"engagement\"} == 1");
        if (!answer.getJsonObject("data").getJsonArray("result").isEmpty()) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Traffic.sleep(250);
    }
    throw new AssertionError("Prometheus did not scrape the service within " + limit + ": " + log());
  }

  /**
   * The JSON answer of an instant query, whatever its status. While it starts, Prometheus answers
   * 503 with a plain-text "Service Unavailable": that, and any other answer that is not JSON, is an
   * {@link IOException} (not ready), like a refused connection.
   */
  JsonObject query(String promql) throws IOException {
    URI uri = URI.create(base + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      String body = response.body();
      if (!body.stripLeading().startsWith("{")) {
        throw new IOException("Prometheus answered " + response.statusCode() + " without JSON: " + body.strip());
      }
      return new JsonObject(body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  String log() {
    try {
      return Files.readString(dir.resolve("prometheus.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

}
