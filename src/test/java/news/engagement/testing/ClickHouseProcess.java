package news.engagement.testing;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Stops and restarts the test ClickHouse that {@code scripts/test.sh} started (same config, same pid
 * file, so the script still stops it at the end). For tests of ClickHouse outages; test threads only.
 */
public final class ClickHouseProcess {
  private static final Duration STOP_LIMIT = Duration.ofSeconds(30);
  private static final Duration START_LIMIT = Duration.ofSeconds(60);

  private ClickHouseProcess() {
  }

  private static Path dir() {
    return Path.of(TestStores.storesDir(), "clickhouse");
  }

  /** Sends SIGTERM to the server and waits until it has exited. */
  public static void stop() throws IOException, InterruptedException {
    Path pidFile = dir().resolve("clickhouse.pid");
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    ProcessHandle handle = ProcessHandle.of(pid)
        .orElseThrow(() -> new IllegalStateException("no ClickHouse process " + pid));
    handle.destroy();
    long deadline = System.nanoTime() + STOP_LIMIT.toNanos();
    while (handle.isAlive()) {
      if (System.nanoTime() > deadline) {
        handle.destroyForcibly();
        break;
      }
      Thread.sleep(100);
    }
    while (handle.isAlive()) {
      Thread.sleep(100);
    }
    if (answers()) {
      throw new IllegalStateException("ClickHouse still answers after process " + pid + " ended: wrong pid file?");
    }
  }

  /** Starts the server again in the background, as scripts/stores.sh does, and waits for {@code GET /ping}. */
  public static void start() throws IOException, InterruptedException {
    Path ch = dir();
    Files.deleteIfExists(ch.resolve("clickhouse.pid"));
    File log = ch.resolve("stdout.log").toFile();
    Process server = new ProcessBuilder(List.of("clickhouse-server", "--config-file=" + ch.resolve("config.xml"),
        "--pid-file=" + ch.resolve("clickhouse.pid")))
        .directory(ch.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
    // ClickHouse 18.16 writes --pid-file only as a daemon: write it, so stores.sh stop still finds the server.
    Files.writeString(ch.resolve("clickhouse.pid"), Long.toString(server.pid()));
    awaitPing();
  }

  /** True when {@code GET /ping} answers 200. */
  public static boolean answers() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(TestStores.clickhouseUrl() + "/ping"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void awaitPing() throws InterruptedException {
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    while (!answers()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("ClickHouse did not answer /ping within " + START_LIMIT + "; see "
            + dir().resolve("stdout.log"));
      }
      Thread.sleep(200);
    }
  }
}
