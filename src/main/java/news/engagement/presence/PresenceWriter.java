package news.engagement.presence;

import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import news.engagement.counting.Keys;
import news.engagement.metrics.EngagementMetrics;
import news.engagement.metrics.EngagementMetrics.CountedType;
import news.engagement.redis.LuaScript;
import news.engagement.redis.RedisStore.ShardScripts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes sightings from any thread without waiting and, every {@code PRESENCE_INTERVAL}, writes them to
 * Redis coalesced: one {@code write.lua} call per shard with something new, one call in flight per
 * shard. A failed call is kept and re-sent (its sequence makes a repeat a no-op); what arrives meanwhile
 * is folded into the next one. Pings are cheap by design: no dedup key, no HyperLogLog, no batch of the
 * counting path. Stopping writes what is left, bounded by the drain timeout.
 */
final class PresenceWriter extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PresenceWriter.class);
  static final LuaScript SCRIPT = LuaScript.load("/news/engagement/presence/write.lua");
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  /** How often a writer trims an article's readers set and refreshes its 2-minute TTL, at most. */
  static final Duration REFRESH = Duration.ofSeconds(10);
  private static final int MAX_REFRESHED = 200_000;

  private final ShardScripts redis;
  private final Keys keys;
  private final EngagementMetrics metrics;
  private final Clock clock;
  private final long intervalMillis;
  private final int exactMax;
  private final int maxPending;
  private final Duration drainTimeout;
  private final String writerId = "p" + UUID.randomUUID().toString().substring(0, 12);

  private final ConcurrentLinkedQueue<Sighting> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pending = new AtomicInteger();
  /** Parts of sightings (article and visitor) not yet in Redis: zero once everything taken is written. */
  private final AtomicInteger unwritten = new AtomicInteger();

  // Owned by this verticle's context.
  private final Lane[] lanes;
  private long timer = -1;
  private Promise<Void> drained;
  /**
   * Per article, System.nanoTime() when this writer last trimmed its readers set and set its TTL (real
   * time, as the TTL is); between trims a call only adds and counts (ZCOUNT from the cutoff), so an
   * article costs three commands per interval instead of five. Bounded: a forgotten article is trimmed
   * again on its next write.
   */
  private final Map<String, Long> refreshed = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > MAX_REFRESHED;
    }
  };

  private static final class Lane {
    final int shard;
    Slice current;
    Slice next;
    boolean inFlight;
    long sequence;
    long retryAtNanos = System.nanoTime();
    long backoffMillis;
    String lastFailure;

    Lane(int shard) {
      this.shard = shard;
    }
  }

  PresenceWriter(ShardScripts redis, Keys keys, EngagementMetrics metrics, Clock clock, Duration interval,
      int exactMax, int maxPending, Duration drainTimeout) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.intervalMillis = interval.toMillis();
    this.exactMax = exactMax;
    this.maxPending = maxPending;
    this.drainTimeout = Objects.requireNonNull(drainTimeout, "drainTimeout");
    this.lanes = new Lane[keys.shards()];
    for (int i = 0; i < lanes.length; i++) {
      lanes[i] = new Lane(i);
    }
  }

  /** Queues a sighting; false when {@code PRESENCE_MAX_PENDING} are already waiting. Thread-safe, never blocks. */
  boolean offer(Sighting sighting) {
    if (pending.incrementAndGet() > maxPending) {
      pending.decrementAndGet();
      return false;
    }
    unwritten.addAndGet(2);
    queue.add(sighting);
    return true;
  }

  /** Sightings taken and not yet written to Redis. */
  int pending() {
    return pending.get();
  }

  /** True when everything taken is in Redis, site-wide parts included. */
  boolean written() {
    return unwritten.get() == 0;
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
        LOG.warn("Stopped before Redis took {} pending sightings (reading now, engaged time); they are lost",
            pending.get());
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
    Slice[] fresh = new Slice[lanes.length];
    Sighting s;
    while ((s = queue.poll()) != null) {
      String member = Slice.member(s.visitor());
      slice(fresh, keys.shardOf(s.article())).addArticle(s, member);
      slice(fresh, keys.shardOfVisitor(s.visitor())).addVisitor(s, member);
    }
    long now = System.nanoTime();
    for (Lane lane : lanes) {
      Slice add = fresh[lane.shard];
      if (add != null) {
        if (lane.next == null) {
          lane.next = add;
        } else {
          lane.next.absorb(add);
        }
      }
      if (lane.inFlight) {
        continue;
      }
      if (lane.current == null && lane.next != null) {
        lane.current = lane.next;
        lane.next = null;
        lane.sequence++;
      }
      if (lane.current != null && now - lane.retryAtNanos >= 0) {
        send(lane);
      }
    }
    if (drained != null && unwritten.get() == 0) {
      drained.tryComplete();
    } else {
      arm();
    }
  }

  private static Slice slice(Slice[] slices, int shard) {
    if (slices[shard] == null) {
      slices[shard] = new Slice(shard);
    }
    return slices[shard];
  }

  private void send(Lane lane) {
    Slice slice = lane.current;
    lane.inFlight = true;
    long nanos = System.nanoTime();
    Set<String> refresh = new HashSet<>();
    for (String article : slice.articles()) {
      Long last = refreshed.get(article);
      if (last == null || nanos - last >= REFRESH.toNanos()) {
        refresh.add(article);
      }
    }
    Slice.Call call = slice.encode(keys, writerId, lane.sequence, clock.millis(), exactMax, refresh);
    redis.<Long>run(SCRIPT, ScriptOutputType.INTEGER, call.keys(), call.args(), context).onComplete(ar -> {
      lane.inFlight = false;
      if (ar.succeeded()) {
        refresh.forEach(article -> refreshed.put(article, nanos));
        lane.current = null;
        lane.backoffMillis = 0;
        pending.addAndGet(-slice.sightings);
        unwritten.addAndGet(-slice.parts);
        metrics.counted(CountedType.PING, slice.pings);
        if (lane.lastFailure != null) {
          LOG.info("Redis takes presence writes of shard {} again", lane.shard);
          lane.lastFailure = null;
        }
      } else {
        String reason = ar.cause().getClass().getSimpleName() + ": " + ar.cause().getMessage();
        if (!reason.equals(lane.lastFailure)) {
          LOG.warn("Writing presence to Redis (shard {}) failed, retrying: {}", lane.shard, reason);
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
}
