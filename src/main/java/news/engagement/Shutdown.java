package news.engagement;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import news.engagement.config.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The time budget of one stop: {@code SHUTDOWN_GRACE} of serving while unready, then draining the
 * batcher and the final ClickHouse flush, all within {@code SHUTDOWN_TIMEOUT} counted from the signal.
 * Measured on the monotonic clock, not the service's (tests move that one by hand).
 */
final class Shutdown {
  private static final Logger LOG = LoggerFactory.getLogger(Shutdown.class);
  /** Share of the time after the grace that the Redis drain may use; the ClickHouse flush gets the rest. */
  private static final double DRAIN_SHARE = 0.75;
  private static final Duration MIN_DRAIN = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final Duration grace;
  private final long deadlineNanos;

  Shutdown(Vertx vertx, Config config) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.grace = config.shutdownGrace();
    this.deadlineNanos = System.nanoTime() + config.shutdownTimeout().toNanos();
  }

  /** How long the batcher keeps trying to reach Redis on stop before it gives up on what is pending. */
  static Duration drainTimeout(Config config) {
    long afterGrace = config.shutdownTimeout().minus(config.shutdownGrace()).toMillis();
    return Duration.ofMillis(Math.max(MIN_DRAIN.toMillis(), (long) (afterGrace * DRAIN_SHARE)));
  }

  /** Completes after the grace period; at once when nothing is serving. */
  Future<Void> grace(boolean serving) {
    if (!serving || grace.isZero()) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    vertx.setTimer(grace.toMillis(), t -> done.complete());
    return done.future();
  }

  /** {@code step}, given up (with a warning, never a failure) when the deadline passes first. */
  Future<Void> withinDeadline(String name, Future<Void> step) {
    long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    return step.timeout(left, TimeUnit.MILLISECONDS).recover(err -> {
      LOG.warn("Gave up on the {} at SHUTDOWN_TIMEOUT: {}", name, err.getMessage());
      return Future.succeededFuture();
    });
  }
}
