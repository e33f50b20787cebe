package news.engagement;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import news.engagement.testing.FreePort;
import news.engagement.testing.PrivateRedis;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The README's {@code bash scripts/run.sh} with no secrets set, as on a first run: it prints the editor
 * desk's address and a token that signs in, keeps the token and a visitor secret in its data folder
 * (never printing the secret), and a restart uses the same token.
 */
class LocalRunIT {
  private static final Pattern DESK_LINE =
      Pattern.compile("editor desk: (http://localhost:(\\d+)/editor)  token: ([0-9a-f]{48})  \\(kept in (.+)\\)");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Path stores;
  private PrivateRedis redis;

  @BeforeEach
  void setUp() throws Exception {
    stores = Files.createTempDirectory("engagement-local-run");
    redis = PrivateRedis.start();
  }

  @AfterEach
  void tearDown() throws IOException {
    redis.close();
    try (Stream<Path> paths = Files.walk(stores)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void aFirstRunPrintsTheDeskAndATokenThatSignsIn_aRestartKeepsIt() throws Exception {
    Run first = Run.start(stores, redis);
    String token;
    try {
      Matcher desk = first.deskLine();
      assertThat(desk.group(1)).isEqualTo("http://localhost:" + first.port + "/editor");
      token = desk.group(3);
      assertThat(Path.of(desk.group(4))).isEqualTo(stores.resolve("editor-token"));
      assertThat(Files.readString(stores.resolve("editor-token"))).isEqualTo(token);
      assertThat(first.get("/editor").statusCode()).isEqualTo(200);
      assertThat(first.get("/v1/editor/trending", token).statusCode()).as("the printed token signs in").isEqualTo(200);
      assertThat(first.get("/v1/editor/trending", "not-" + token).statusCode()).isEqualTo(401);

      String secret = Files.readString(stores.resolve("visitor-secret"));
      assertThat(secret).as("32 random bytes as hex").matches("[0-9a-f]{64}");
      assertThat(first.output()).doesNotContain(secret);
    } finally {
      first.stop();
    }

    Run second = Run.start(stores, redis);
    try {
      assertThat(second.deskLine().group(3)).as("the token after a restart").isEqualTo(token);
      assertThat(second.get("/v1/editor/trending", token).statusCode()).isEqualTo(200);
    } finally {
      second.stop();
    }
  }

  /** One run of scripts/run.sh against the test ClickHouse and a private Redis, its output in a file. */
  private record Run(Process process, Path log, int port) {
    static Run start(Path stores, PrivateRedis redis) throws IOException, InterruptedException {
      int port = FreePort.pick();
      Path log = Files.createTempFile("engagement-local-run", ".log");
      ProcessBuilder builder = new ProcessBuilder("bash", "scripts/run.sh")
          .redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().remove("EDITOR_TOKEN");
      builder.environment().remove("VISITOR_SECRET");
      builder.environment().put("LOCAL_STORES_DIR", stores.toString());
      builder.environment().put("HTTP_PORT", Integer.toString(port));
      builder.environment().put("REDIS_URL", redis.url());
      builder.environment().put("CLICKHOUSE_URL", TestStores.clickhouseUrl());
      builder.environment().put("CLICKHOUSE_DATABASE", "local_run_" + System.currentTimeMillis());
      Run run = new Run(builder.start(), log, port);
      run.awaitListening();
      return run;
    }

    String output() throws IOException {
      return Files.readString(log);
    }

    Matcher deskLine() throws IOException {
      Matcher m = DESK_LINE.matcher(output());
      assertThat(m.find()).as("the desk line in run.sh's output:\n" + output()).isTrue();
      return m;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
      return get(path, null);
    }

    HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** SIGTERM: run.sh exec'd java when it owns no stores, so the service itself drains and exits. */
    void stop() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("scripts/run.sh did not exit within 60 s of SIGTERM");
      }
    }

    private void awaitListening() throws IOException, InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new AssertionError("scripts/run.sh exited at start-up:\n" + output());
        }
        try {
          get("/v1/articles/probe");
          return;
        } catch (IOException notYet) {
          Thread.sleep(200);
        }
      }
      process.destroyForcibly();
      throw new AssertionError("scripts/run.sh's service did not listen within 90 s:\n" + output());
    }
  }
}
