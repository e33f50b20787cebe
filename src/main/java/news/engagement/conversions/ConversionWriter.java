package news.engagement.conversions;

import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayDeque;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import news.engagement.counting.RedisFailure;
import news.engagement.metrics.EngagementMetrics;
import news.engagement.metrics.EngagementMetrics.CountedType;
import news.engagement.metrics.EngagementMetrics.DropReason;
import news.engagement.redis.LuaScript;
import news.engagement.redis.RedisStore.ShardScripts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes clicks from any thread without waiting and, every interval, writes them to Redis coalesced: one
 * {@code count.lua} call per shard with something new, one call in flight per shard. A call that fails
 * transiently is re-sent unchanged (its sequence makes a repeat a no-op) while what arrives meanwhile
 * waits in the next slices (at most {@link #MAX_SLICE} clicks each); one Redis refuses deterministically is set aside and logged. Stopping writes
 * what is left, bounded by the drain timeout.
 */
final class ConversionWriter extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ConversionWriter.class);
  static final LuaScript SCRIPT = LuaScript.load("/news/engagement/conversions/count.lua");
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  static final int MAX_SLICE = 2_000;

  private final ShardScripts redis;
  private final ConversionKeys keys;
  private final EngagementMetrics metrics;
  private final Clock clock;
  private final long intervalMillis;
  private final long dedupWindowMillis;
  private final int maxPending;
  private final Duration drainTimeout;
  private final String writerId = "c" + UUID.randomUUID().toString().substring(0, 12);

  private final ConcurrentLinkedQueue<Click> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pending = new AtomicInteger();

  // Owned by this verticle's context.
  private final Lane[] lanes;
  private long timer = -1;
  private Promise<Void> drained;

  private static final class Lane {
    final int shard;
    ClickSlice current;
    /** Slices waiting, oldest first; a slice is closed at {@link #MAX_SLICE} clicks so no call grows unbounded. */
    final ArrayDeque<ClickSlice> waiting = new ArrayDeque<>();
    boolean inFlight;
    long sequence;
    long retryAtNanos = System.nanoTime();
    long backoffMillis;
    String lastFailure;

    Lane(int shard) {
      this.shard = shard;
    }
  }

  ConversionWriter(ShardScripts redis, ConversionKeys keys, EngagementMetrics metrics, Clock clock,
      Duration interval, Duration dedupWindow, int maxPending, Duration drainTimeout) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.intervalMillis = Math.max(1, interval.toMillis());
    this.dedupWindowMillis = dedupWindow.toMillis();
    this.maxPending = maxPending;
    this.drainTimeout = Objects.requireNonNull(drainTimeout, "drainTimeout");
    this.lanes = new Lane[keys.shards()];
    for (int i = 0; i < lanes.length; i++) {
      lanes[i] = new Lane(i);
    }
  }

  /** Queues a click; false when {@code maxPending} already wait. Thread-safe, never blocks. */
  boolean offer(Click click) {
    if (pending.incrementAndGet() > maxPending) {
      pending.decrementAndGet();
      return false;
    }
    queue.add(click);
    return true;
  }

  /** Clicks taken and not yet written to Redis (nor set aside). */
  int pending() {
    return pending.get();
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
        LOG.warn("Stopped before Redis took {} pending conversions and outbound clicks; they are lost", pending.get());
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
    Click c;
    while ((c = queue.poll()) != null) {
      Lane lane = lanes[keys.shardOf(c.article())];
      ClickSlice last = lane.waiting.peekLast();
      if (last == null || last.clicks >= MAX_SLICE) {
        last = new ClickSlice(lane.shard);
        lane.waiting.addLast(last);
      }
      last.add(c);
    }
    long now = System.nanoTime();
    for (Lane lane : lanes) {
      if (lane.inFlight) {
        continue;
      }
      if (lane.current == null && !lane.waiting.isEmpty()) {
        lane.current = lane.waiting.poll();
        lane.sequence++;
      }
      if (lane.current != null && now - lane.retryAtNanos >= 0) {
        send(lane);
      }
    }
    if (drained != null && pending.get() == 0) {
      drained.tryComplete();
    } else {
      arm();
    }
  }

  private void send(Lane lane) {
    ClickSlice slice = lane.current;
    lane.inFlight = true;
    ClickSlice.Call call = slice.call(keys, writerId, lane.sequence, clock.millis(), dedupWindowMillis);
    redis.<String>run(SCRIPT, ScriptOutputType.VALUE, call.keys(), call.args(), context).onComplete(ar -> {
      lane.inFlight = false;
      if (ar.succeeded()) {
        JsonObject r = new JsonObject(ar.result());
        metrics.counted(CountedType.CONVERSION, r.getLong("conversions", 0L));
        metrics.counted(CountedType.OUTBOUND, r.getLong("outbound", 0L));
        metrics.dropped(DropReason.DUPLICATE, r.getLong("duplicates", 0L) + slice.localDuplicates);
        done(lane, slice);
        if (lane.lastFailure != null) {
          LOG.info("Redis takes conversions of shard {} again", lane.shard);
          lane.lastFailure = null;
        }
      } else if (RedisFailure.deterministic(ar.cause())) {
        LOG.error("Redis refused {} conversions and outbound clicks of shard {}; set aside, not counted: {}",
            slice.clicks, lane.shard, ar.cause().getMessage());
        metrics.quarantined(slice.clicks);
        done(lane, slice);
      } else {
        String reason = ar.cause().getClass().getSimpleName() + ": " + ar.cause().getMessage();
        if (!reason.equals(lane.lastFailure)) {
          LOG.warn("Writing conversions to Redis (shard {}) failed, retrying: {}", lane.shard, reason);
          lane.lastFailure = reason;
        }
        lane.backoffMillis = Math.min(MAX_BACKOFF.toMillis(), Math.max(intervalMillis, lane.backoffMillis * 2));
        lane.retryAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(lane.backoffMillis);
      }
      if (drained != null) {
        pump();
      }
    });
  }

  private void done(Lane lane, ClickSlice slice) {
    lane.current = null;
    lane.backoffMillis = 0;
    pending.addAndGet(-slice.clicks);
  }
}
