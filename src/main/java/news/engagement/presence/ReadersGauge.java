package news.engagement.presence;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import news.engagement.metrics.EngagementMetrics;

/**
 * Keeps the {@code engagement_readers_now} gauge: site-wide readers now, read from Redis every
 * {@link #EVERY} (a scrape must not wait for Redis). Every instance reads the same number, so dashboards
 * take the max over instances. A failed read keeps the last value until the next one succeeds.
 */
final class ReadersGauge extends VerticleBase {
  static final Duration EVERY = Duration.ofSeconds(5);

  private final ReadersNow readers;
  private final AtomicLong value = new AtomicLong();
  private long timer = -1;
  private boolean stopped;

  ReadersGauge(ReadersNow readers, EngagementMetrics metrics) {
    this.readers = Objects.requireNonNull(readers, "readers");
    metrics.readersNowGauge(value::get);
  }

  @Override
  public Future<?> start() {
    read();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return Future.succeededFuture();
  }

  private void read() {
    readers.site(context).onSuccess(value::set).onComplete(ar -> {
      if (!stopped) {
        timer = vertx.setTimer(EVERY.toMillis(), id -> read());
      }
    });
  }
}
