package news.engagement.redis;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop of a room's coalescing writer to Redis (conversions, presence): items are taken from any
 * thread without waiting (at most {@code maxPending} at a time); every interval, and after each call
 * while stopping, a pump routes what came to the shards ({@link #route()}) and sends each idle
 * shard's call ({@link #send}), one call in flight per shard. A shard whose call failed keeps it as its
 * {@link Lane#current()} and re-sends it once its {@link Backoff} is due; only when a call is done with
 * ({@link #done}) does the shard take its next one ({@link #next}) with the next sequence. Stopping pumps
 * until everything is written, bounded by the drain timeout, then logs what is lost. What a call holds,
 * how it is written and what its outcome counts are the subclass's.
 *
 * @param <S> what one call writes (a shard's slice)
 */
public abstract class ShardWriter<S> extends VerticleBase {
  private final Logger log = LoggerFactory.getLogger(getClass());
  private final String what;
  private final long intervalMillis;
  private final int maxPending;
  private final Duration drainTimeout;
  private final AtomicInteger pending = new AtomicInteger();

  // Owned by this verticle's context.
  private final Lane<S>[] lanes;
  private long timer = -1;
  private Promise<Void> drained;

  /** One shard's call: the one in flight or to re-send, its sequence and its backoff. */
  public static final class Lane<S> {
    private final int shard;
    private final Backoff backoff;
    private S current;
    private boolean inFlight;
    private long sequence;

    Lane(int shard, Backoff backoff) {
      this.shard = shard;
      this.backoff = backoff;
    }

    public int shard() {
      return shard;
    }

    public S current() {
      return current;
    }

    public long sequence() {
      return sequence;
    }

    public Backoff backoff() {
      return backoff;
    }
  }

  /**
   * @param what what is pending, for the log when stopping loses it ("sightings", ...)
   * @param intervalMillis how often to pump, and the first wait after a failure
   */
  @SuppressWarnings("unchecked")
  protected ShardWriter(String what, int shards, long intervalMillis, Duration maxBackoff, int maxPending,
      Duration drainTimeout) {
    this.what = Objects.requireNonNull(what, "what");
    this.intervalMillis = intervalMillis;
    this.maxPending = maxPending;
    this.drainTimeout = Objects.requireNonNull(drainTimeout, "drainTimeout");
    this.lanes = new Lane[shards];
    for (int i = 0; i < shards; i++) {
      lanes[i] = new Lane<>(i, new Backoff(intervalMillis, maxBackoff));
    }
  }

  /** Moves what was taken since the last pump into the shards' next calls. */
  protected abstract void route();

  /** The shard's next call, taken out of what waits for it; null when nothing does. */
  protected abstract S next(int shard);

  /**
   * Writes the lane's {@link Lane#current()} call and handles its outcome ({@link #done} once it is done
   * with; a failed call kept is re-sent later). Answers when the outcome is handled.
   */
  protected abstract Future<?> send(Lane<S> lane);

  /** Takes one item's place among the pending; false when {@code maxPending} already wait. Thread-safe. */
  protected final boolean reserve() {
    if (pending.incrementAndGet() > maxPending) {
      pending.decrementAndGet();
      return false;
    }
    return true;
  }

  /** Items taken and not yet written to Redis (nor set aside). Thread-safe. */
  public final int pending() {
    return pending.get();
  }

  /** True when everything taken is written (what stopping waits for); by default nothing is pending. */
  public boolean written() {
    return pending.get() == 0;
  }

  /** The lane's call is done with (written or set aside): its {@code items} leave the pending. */
  protected final void done(Lane<S> lane, int items) {
    lane.current = null;
    pending.addAndGet(-items);
  }

  @Override
  public Future<?> start() {
    arm();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    drained = Promise.promise();
    pump();
    long guard = vertx.setTimer(drainTimeout.toMillis(), t -> {
      if (drained.tryComplete()) {
        log.warn("Stopped before Redis took {} pending {}; they are lost", pending.get(), what);
      }
    });
    return drained.future().onComplete(ar -> {
      vertx.cancelTimer(guard);
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
    });
  }

  private void arm() {
    if (timer < 0) {
      timer = vertx.setTimer(intervalMillis, id -> {
        timer = -1;
        pump();
      });
    }
  }

  private void pump() {
    route();
    long now = System.nanoTime();
    for (Lane<S> lane : lanes) {
      if (lane.inFlight) {
        continue;
      }
      if (lane.current == null) {
        S next = next(lane.shard);
        if (next != null) {
          lane.current = next;
          lane.sequence++;
        }
      }
      if (lane.current != null && lane.backoff.due(now)) {
        lane.inFlight = true;
        send(lane).onComplete(ar -> {
          lane.inFlight = false;
          if (drained != null) {
            pump();
          }
        });
      }
    }
    if (drained != null && written()) {
      drained.tryComplete();
    } else {
      arm();
    }
  }
}
