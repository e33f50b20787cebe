package news.engagement;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.TimeZone;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import news.engagement.config.Config;
import news.engagement.config.ConfigException;
import news.engagement.metrics.MeteredVertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the environment, starts the service, and on SIGTERM drains it before exiting. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  private static final Duration CLOSE_MARGIN = Duration.ofSeconds(5);

  private Main() {
  }

  public static void main(String[] args) throws Exception {
    TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
    Config config;
    try {
      config = Config.from(System::getenv);
    } catch (ConfigException e) {
      LOG.error("Cannot start: {}", e.getMessage());
      System.exit(2);
      return;
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = MeteredVertx.create(registry);
    LOG.info("Network transport: {}", vertx.isNativeTransportEnabled() ? "epoll (native)"
        : "NIO (native epoll unavailable: " + vertx.unavailableNativeTransportCause() + ")");
    Service service = new Service(vertx, config, registry, Clock.systemUTC());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      int status = stop(service, vertx, config);
      stopped.countDown();
      // Halting is the one way a shutdown hook picks the exit status (System.exit would wait for us).
      Runtime.getRuntime().halt(status);
    }, "shutdown"));
    service.start().onFailure(err -> {
      LOG.error("Start-up failed", err);
      // Not on the event loop: exit runs the shutdown hook, which waits for futures that need this thread.
      new Thread(() -> System.exit(1), "exit").start();
    });
    // Vert.x threads do not keep the JVM alive: the main thread waits until the shutdown hook is done.
    stopped.await();
  }

  /**
   * Stops within SHUTDOWN_TIMEOUT (plus a little for closing Vert.x). Exit status 0 when every accepted
   * event reached Redis, 1 when some were still pending (their count is logged), so an orchestrator
   * and on-call see a lossy stop.
   */
  private static int stop(Service service, Vertx vertx, Config config) {
    LOG.info("SIGTERM: stopping within SHUTDOWN_TIMEOUT={}", config.shutdownTimeout());
    try {
      // The shutdown hook thread is not an event loop: waiting here blocks nothing else.
      service.stop().toCompletionStage().toCompletableFuture()
          .get(config.shutdownTimeout().plus(CLOSE_MARGIN).toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.error("Stopping did not finish within SHUTDOWN_TIMEOUT: {}", e.toString());
    }
    int lost = service.pending();
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(CLOSE_MARGIN.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("Vert.x did not close in time: {}", e.toString());
    }
    if (lost > 0) {
      LOG.error("Stopped with {} accepted events not applied to Redis (Redis unreachable until SHUTDOWN_TIMEOUT): "
          + "they are lost; exit status 1", lost);
      return 1;
    }
    LOG.info("Stopped cleanly: every accepted event is in Redis");
    return 0;
  }
}
