package news.engagement.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged jar run as its own process, configured only by environment variables, as a user runs it. */
public final class ServiceProcess implements AutoCloseable {
  public static final Path JAR = Path.of("target", "engagement-service.jar");

  private final Process process;
  private final Path log;
  public final int port;
  public final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ServiceProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** A service someone else started (scripts/blackbox.sh runs the README's command): not stopped by us. */
  public static ServiceProcess attach(URI base) throws IOException, InterruptedException {
    ServiceProcess service = new ServiceProcess(null, null, base.getPort());
    service.awaitListening();
    return service;
  }

  public static ServiceProcess start(Map<String, String> env) throws IOException, InterruptedException {
    int port = FreePort.pick();
    Path log = Files.createTempFile("engagement-service", ".log");
    ProcessBuilder builder = new ProcessBuilder("java", "-jar", JAR.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> vars = new HashMap<>(TestStores.clickhouseEnv());
    vars.putAll(Map.of("HTTP_PORT", Integer.toString(port), "VISITOR_SECRET", TestStores.VISITOR_SECRET,
        "SHUTDOWN_GRACE", "0s",
        // Tests send many views from 127.0.0.1; BlackBoxIT sets the default bound back on its trace.
        "MAX_VIEWS_PER_ADDRESS", "0"));
    vars.putAll(env);
    builder.environment().putAll(vars);
    ServiceProcess service = new ServiceProcess(builder.start(), log, port);
    service.awaitListening();
    return service;
  }

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> post(String path, String userAgent, String forwardedFor, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Content-Type", "text/plain")
        .header("User-Agent", userAgent).POST(HttpRequest.BodyPublishers.ofString(body));
    if (forwardedFor != null) {
      request.header("X-Forwarded-For", forwardedFor);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Sends SIGTERM and returns at once: for tests that watch the service while it stops. */
  public void signalTerm() {
    if (process == null) {
      throw new IllegalStateException("attached to a service this test did not start");
    }
    process.destroy();
  }

  /** SIGKILL: the process dies at once, without draining anything. */
  public void kill() throws InterruptedException {
    if (process == null) {
      throw new IllegalStateException("attached to a service this test did not start");
    }
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** A counter or gauge of /metrics, summed over its series whose line starts with {@code prefix}. */
  public double metric(String prefix) throws IOException, InterruptedException {
    return get("/metrics").body().lines().filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  /** Waits for the process to exit; its exit code, or an AssertionError after {@code limit}. */
  public int awaitExit(Duration limit) throws InterruptedException {
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the service did not exit within " + limit);
    }
    return process.exitValue();
  }

  public boolean alive() {
    return process != null && process.isAlive();
  }

  /** SIGTERM, then waits for the process to drain and exit; returns its exit code. */
  public int terminate() throws InterruptedException {
    if (process == null) {
      throw new IllegalStateException("attached to a service this test did not start");
    }
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the service did not exit within 60 s of SIGTERM");
    }
    return process.exitValue();
  }

  public String log() throws IOException {
    return log == null ? "(attached: no log)" : Files.readString(log);
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      try {
        terminate();
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private void awaitListening() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (process != null && !process.isAlive()) {
        throw new AssertionError("the service exited at start-up:\n" + log());
      }
      try {
        get("/v1/articles/probe");
        return;
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    throw new AssertionError("the service did not listen within 60 s:\n" + log());
  }

}
