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
 * file, so the script still stops it at the end): this run's ClickHouse (the single server, or the first
 * node of the cluster in cluster mode), or one node of the local cluster. For tests of ClickHouse
 * outages; test threads only.
 */
public final class ClickHouseProcess {
  private static final Duration STOP_LIMIT = Duration.ofSeconds(30);
  private static final Duration START_LIMIT = Duration.ofSeconds(60);

  private ClickHouseProcess() {
  }

  private static Path dir() {
    return TestStores.clickhouseCluster() ? nodeDir(1) : Path.of(TestStores.storesDir(), "clickhouse");
  }

  private static Path nodeDir(int node) {
    return Path.of(TestStores.storesDir(), "ch-cluster", Integer.toString(node));
  }

  /** Sends SIGTERM to the server and waits until it has exited. */
  public static void stop() throws IOException, InterruptedException {
    stop(dir(), TestStores.clickhouseUrl());
  }

  /** Starts the server again in the background, as scripts/stores.sh does, and waits for {@code GET /ping}. */
  public static void start() throws IOException, InterruptedException {
    start(dir(), TestStores.clickhouseUrl());
  }

  /** True when {@code GET /ping} answers 200. */
  public static boolean answers() {
    return answers(TestStores.clickhouseUrl());
  }

  /**
   * Stops node {@code node} of the local cluster (1: shard 1's first replica, 2: shard 2, 3: shard 1's
   * second replica; see {@link TestStores#clickhouseClusterUrls()}).
   */
  public static void stopNode(int node) throws IOException, InterruptedException {
    stop(nodeDir(node), TestStores.clickhouseClusterUrls().get(node - 1));
  }

  /**
   * Kills node {@code node} with SIGKILL, as a crash would: no clean shutdown, so its ZooKeeper session
   * stays open on the ZooKeeper side until the session timeout. Waits until the process is gone.
   */
  public static void killNode(int node) throws IOException, InterruptedException {
    Path dir = nodeDir(node);
    ProcessHandle handle = process(dir);
    handle.destroyForcibly();
    awaitGone(handle, TestStores.clickhouseClusterUrls().get(node - 1));
  }

  public static void startNode(int node) throws IOException, InterruptedException {
    start(nodeDir(node), TestStores.clickhouseClusterUrls().get(node - 1));
  }

  public static boolean nodeAnswers(int node) {
    return answers(TestStores.clickhouseClusterUrls().get(node - 1));
  }

  private static void stop(Path dir, String url) throws IOException, InterruptedException {
    ProcessHandle handle = process(dir);
    handle.destroy();
    long deadline = System.nanoTime() + STOP_LIMIT.toNanos();
    while (handle.isAlive()) {
      if (System.nanoTime() > deadline) {
        handle.destroyForcibly();
        break;
      }
      Thread.sleep(100);
    }
    awaitGone(handle, url);
  }

  private static ProcessHandle process(Path dir) throws IOException {
    long pid = Long.parseLong(Files.readString(dir.resolve("clickhouse.pid")).trim());
    return ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no ClickHouse process " + pid));
  }

  private static void awaitGone(ProcessHandle handle, String url) throws InterruptedException {
    while (handle.isAlive()) {
      Thread.sleep(100);
    }
    if (answers(url)) {
      throw new IllegalStateException("ClickHouse still answers after process " + handle.pid()
          + " ended: wrong pid file?");
    }
  }

  private static void start(Path ch, String url) throws IOException, InterruptedException {
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
    awaitPing(ch, url);
  }

  private static boolean answers(String url) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/ping"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void awaitPing(Path dir, String url) throws InterruptedException {
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    while (!answers(url)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("ClickHouse did not answer /ping within " + START_LIMIT + "; see "
            + dir.resolve("stdout.log"));
      }
      Thread.sleep(200);
    }
  }
}
