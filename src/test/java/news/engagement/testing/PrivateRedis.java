package news.engagement.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Redis of a test's own, empty, on a free port, with no persistence: for tests that need a store
 * nobody else has written to (a first start), where a database of the shared test Redis is not enough.
 */
public final class PrivateRedis implements AutoCloseable {
  private final Process process;
  private final Path dir;
  public final int port;

  private PrivateRedis(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  public static PrivateRedis start() throws IOException, InterruptedException {
    int port = FreePort.pick();
    Path dir = Files.createTempDirectory("engagement-private-redis");
    Process process = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "", "--appendonly", "no"))
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis.log").toFile())
        .start();
    PrivateRedis redis = new PrivateRedis(process, dir, port);
    redis.awaitPong();
    return redis;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  private void awaitPong() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
      }
      Process ping = new ProcessBuilder("redis-cli", "-p", Integer.toString(port), "ping").redirectErrorStream(true).start();
      String answer = new String(ping.getInputStream().readAllBytes()).trim();
      if (ping.waitFor() == 0 && answer.equals("PONG")) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the private Redis did not answer within 20 s");
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover temporary folder is harmless.
    }
  }
}
