package news.engagement;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
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
    Service service = new Service(vertx, config, registry, Clock.systemUTC());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("Stopping: draining pending events");
      try {
        // The shutdown hook thread is not an event loop: waiting here blocks nothing else.
        service.stop().compose(v -> vertx.close()).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        LOG.info("Stopped cleanly");
      } catch (Exception e) {
        LOG.error("Stopping did not finish cleanly", e);
      } finally {
        stopped.countDown();
      }
    }, "shutdown"));
    service.start().onFailure(err -> {
      LOG.error("Start-up failed", err);
      // Not on the event loop: exit runs the shutdown hook, which waits for futures that need this thread.
      new Thread(() -> System.exit(1), "exit").start();
    });
    // Vert.x threads do not keep the JVM alive: the main thread waits until the shutdown hook is done.
    stopped.await();
  }
}
