package news.engagement.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Stops and restarts the test Redis that scripts/stores.sh started, with the same arguments, for tests
 * of what happens while Redis is away. Data survives through its append-only file.
 */
public final class RedisProcess {
  private RedisProcess() {
  }

  public static int port() {
    return URI.create(TestStores.redisBase()).getPort();
  }

  /** SHUTDOWN: Redis syncs its append-only file and exits. */
  public static void stop() throws IOException, InterruptedException {
    run(List.of("redis-cli", "-p", Integer.toString(port()), "shutdown"));
    waitFor(false);
  }

  /** SIGSTOP: Redis keeps its connections open but answers nothing, like a stalled server. */
  public static void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause()}: Redis answers again, commands sent meanwhile included. */
  public static void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private static void signal(String name) throws IOException, InterruptedException {
    String pid = Files.readString(Path.of(TestStores.storesDir(), "redis", "redis.pid")).trim();
    run(List.of("kill", "-" + name, pid));
  }

  public static void start() throws IOException, InterruptedException {
    Path dir = Path.of(TestStores.storesDir(), "redis");
    run(List.of("redis-server", "--port", Integer.toString(port()), "--bind", "127.0.0.1", "--dir", dir.toString(),
        "--daemonize", "yes", "--pidfile", dir.resolve("redis.pid").toString(),
        "--logfile", dir.resolve("redis.log").toString(), "--save", "", "--appendonly", "yes",
        "--appendfsync", "everysec"));
    waitFor(true);
  }

  private static void waitFor(boolean up) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      boolean answers = new ProcessBuilder("redis-cli", "-p", Integer.toString(port()), "ping")
          .redirectErrorStream(true).start().waitFor() == 0 && pingOk();
      if (answers == up) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("Redis did not " + (up ? "start" : "stop") + " within 20 s");
  }

  private static boolean pingOk() throws IOException, InterruptedException {
    Process p = new ProcessBuilder("redis-cli", "-p", Integer.toString(port()), "ping").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    p.waitFor();
    return out.equals("PONG");
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0 && !command.contains("shutdown")) {
      throw new AssertionError(command + " failed: " + out);
    }
  }
}
