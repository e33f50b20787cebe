package news.engagement.counting;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import news.engagement.metrics.EngagementMetrics;
import news.engagement.metrics.EngagementMetrics.DropReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes accepted events from any thread without waiting, and applies them to Redis in batches: after
 * the batch interval, at once when a batch is full, and right after the previous batch when events
 * are waiting. One batch is in flight at a time, so likes and unlikes keep their order; a failed batch
 * is retried unchanged (same id) until Redis takes it.
 *
 * <p>Stopping the verticle drains everything still pending.
 */
public final class Batcher extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(Batcher.class);
  private static final String[] NO_KEYS = new String[0];
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

  private final RedisAsyncCommands<String, String> redis;
  private final EngagementMetrics metrics;
  private final Clock clock;
  private final long intervalMillis;
  private final long dedupWindowMillis;
  private final int maxBatch;
  private final int maxPending;
  private final Duration drainTimeout;
  private final String instanceId = UUID.randomUUID().toString().substring(0, 8);

  private final ConcurrentLinkedQueue<Countable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pending = new AtomicInteger();
  /** Events in {@link #queue}; ConcurrentLinkedQueue.size() walks the whole queue. */
  private final AtomicInteger queued = new AtomicInteger();

  // Owned by this verticle's context.
  private long sequence;
  private boolean inFlight;
  private long timerId = -1;
  private Batch retry;
  private long backoffMillis;
  private String lastFailure;
  private Promise<Void> drained;

  /**
   * @param redis a connection of the batcher's own
   */
  public Batcher(RedisAsyncCommands<String, String> redis, EngagementMetrics metrics, Clock clock,
      Duration interval, Duration dedupWindow, int maxBatch, int maxPending, Duration drainTimeout) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.intervalMillis = interval.toMillis();
    this.dedupWindowMillis = dedupWindow.toMillis();
    this.maxBatch = maxBatch;
    this.maxPending = maxPending;
    this.drainTimeout = Objects.requireNonNull(drainTimeout, "drainTimeout");
    metrics.pendingGauge(pending::get);
  }

  /**
   * Queues an event for Redis. Thread-safe and never blocks.
   *
   * @return false when the buffer is full; the caller answers 503 and the event is not accepted
   */
  public boolean offer(Countable event) {
    if (pending.incrementAndGet() > maxPending) {
      pending.decrementAndGet();
      return false;
    }
    queue.add(event);
    if (queued.incrementAndGet() == maxBatch && context != null) {
      context.runOnContext(v -> sendIfIdle());
    }
    return true;
  }

  /** Events accepted and not yet applied to Redis. */
  public int pending() {
    return pending.get();
  }

  public int capacity() {
    return maxPending;
  }

  @Override
  public Future<?> start() {
    arm(intervalMillis);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
    drained = Promise.promise();
    sendIfIdle();
    long guard = vertx.setTimer(drainTimeout.toMillis(), t -> {
      if (drained.tryComplete()) {
        LOG.error("Stopped before Redis took {} pending events (Redis unavailable for {})", pending.get(), drainTimeout);
      }
    });
    return drained.future().onComplete(ar -> vertx.cancelTimer(guard));
  }

  private void arm(long delayMillis) {
    if (drained == null) {
      timerId = vertx.setTimer(delayMillis, id -> {
        timerId = -1;
        sendIfIdle();
      });
    }
  }

  private void sendIfIdle() {
    if (inFlight) {
      return;
    }
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
    Batch batch = retry != null ? retry : nextBatch();
    if (batch == null) {
      if (drained != null) {
        drained.tryComplete();
      } else {
        arm(intervalMillis);
      }
      return;
    }
    inFlight = true;
    long started = System.nanoTime();
    apply(batch).onComplete(ar -> {
      inFlight = false;
      if (ar.succeeded()) {
        applied(batch, ar.result(), System.nanoTime() - started);
        // Events that arrived during this round trip go at once: under load batches follow each other
        // back to back (each as large as the traffic of one round trip), so Redis never idles while
        // events wait; the interval only bounds the wait of a quiet moment's events.
        if (queued.get() > 0) {
          sendIfIdle();
        } else if (drained != null) {
          drained.tryComplete();
        } else {
          arm(intervalMillis);
        }
      } else {
        failed(batch, ar.cause());
      }
    });
  }

  private Batch nextBatch() {
    List<Countable> events = new ArrayList<>(Math.min(maxBatch, queued.get()));
    Countable e;
    while (events.size() < maxBatch && (e = queue.poll()) != null) {
      events.add(e);
    }
    queued.addAndGet(-events.size());
    if (events.isEmpty()) {
      return null;
    }
    return Batch.of(instanceId + "-" + (++sequence), clock.millis(), dedupWindowMillis, events);
  }

  private Future<List<Long>> apply(Batch batch) {
    return Batch.SCRIPT.run(redis, ScriptOutputType.MULTI, NO_KEYS, batch.args, context);
  }


  private void applied(Batch batch, List<Long> result, long nanos) {
    Batch.Outcome outcome = batch.outcome(result);
    outcome.counted().forEach(metrics::counted);
    metrics.dropped(DropReason.DUPLICATE, outcome.duplicates());
    metrics.redisBatch().record(nanos, TimeUnit.NANOSECONDS);
    pending.addAndGet(-batch.events);
    retry = null;
    backoffMillis = 0;
    if (lastFailure != null) {
      LOG.info("Redis takes batches again");
      lastFailure = null;
    }
  }

  private void failed(Batch batch, Throwable cause) {
    metrics.redisBatchFailed();
    retry = batch;
    String reason = cause.getClass().getSimpleName() + ": " + cause.getMessage();
    if (!reason.equals(lastFailure)) {
      LOG.warn("Applying a batch of {} events to Redis failed, retrying: {}", batch.events, reason);
      lastFailure = reason;
    }
    backoffMillis = Math.min(MAX_BACKOFF.toMillis(), Math.max(intervalMillis, backoffMillis * 2));
    if (drained != null) {
      vertx.setTimer(backoffMillis, t -> sendIfIdle());
    } else {
      arm(backoffMillis);
    }
  }
}
