package news.engagement.counting;

import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import news.engagement.counting.Keys.BucketSize;
import news.engagement.metrics.EngagementMetrics;
import news.engagement.metrics.EngagementMetrics.DropReason;
import news.engagement.redis.Backoff;
import news.engagement.redis.RedisStore.ShardScripts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes accepted events from any thread without waiting, and applies them to Redis in batches, one
 * script call per shard ({@link Keys}): a shard's batch goes once it is full or once its oldest event has
 * waited the batch interval, so an event waits at most about one interval (more only while Redis is busy
 * with the server's previous batch, or away). A shard is not sent again as soon as its previous batch
 * returns: in long-tail traffic a script's cost is mostly per article and call, so calls sent back to back
 * would make many small ones and Redis would spend its time on their per-article work (docs/benchmarks.md,
 * "batches by age"). Each shard has one batch in flight at a time,
 * numbered in order, so likes and unlikes keep their order and the shard's watermark makes a re-sent
 * batch a no-op. A batch that fails transiently (connection, timeout, failover) is retried unchanged;
 * one that Redis refuses deterministically (a foreign key of the wrong type, a script error) is split
 * per article and the part that still fails is quarantined, so counting goes on.
 *
 * <p>Stopping the verticle drains everything still pending, bounded by the drain timeout.
 */
public final class Batcher extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(Batcher.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);
  /** Articles whose TTLs this batcher remembers refreshing; forgotten ones simply refresh again. */
  private static final int MAX_TOUCHED = 200_000;
  private static final int KEEP_QUARANTINED = 32;
  /**
   * Batch scripts in flight per Redis server, over all its shards. Redis runs one command at a time, so
   * every script queued there is time a reader's GET waits behind; and while a script runs, the waiting
   * events gather into the next call, whose cost is mostly per article, not per view (long-tail
   * traffic: a call of 300 views cost 9.0 us of Redis per view, one of 1 200 views 6.1 us). One in
   * flight leaves Redis idle for a round trip between calls and makes the calls twice as large as two
   * did (docs/benchmarks.md, 15:30 run); sixteen lanes with a script each queued up to 16 ahead of reads.
   */
  static final int SCRIPTS_PER_SERVER = 1;

  private final ShardScripts redis;
  private final Keys keys;
  private final Retention retention;
  private final EngagementMetrics metrics;
  private final Clock clock;
  private final long intervalMillis;
  private final long intervalNanos;
  /** The limits as the batch script applies them (see {@link AddressAllowance}). */
  private final Limits limits;
  private final AddressAllowance allowance;
  private final int maxBatch;
  private final int maxPending;
  private final Duration drainTimeout;
  private final String batcherId = UUID.randomUUID().toString().substring(0, 12);

  private final ConcurrentLinkedQueue<Countable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pending = new AtomicInteger();
  /** Events in {@link #queue}; ConcurrentLinkedQueue.size() walks the whole queue. */
  private final AtomicInteger queued = new AtomicInteger();
  /**
   * System.nanoTime() when the queue last went from empty to one event: the arrival of the oldest queued
   * event, or earlier (a lane then sends sooner, never later than the interval).
   */
  private volatile long queuedSinceNanos = System.nanoTime();

  // Owned by this verticle's context.
  private final Lane[] lanes;
  /** Per article, what this batcher last refreshed: one map lookup per article and send for both. */
  private final Map<String, Refreshed> touched = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Refreshed> eldest) {
      return size() > MAX_TOUCHED;
    }
  };

  /** The bucket whose TTLs were refreshed. */
  private static final class Refreshed {
    long bucket = -1;
  }
  private final ArrayDeque<Batch> quarantine = new ArrayDeque<>();
  /**
   * Redis' clock less this machine's, as the last script answer (or a CLOCKSKEW refusal) told it: the dedup
   * generations a call declares are named by this estimate of Redis' clock (see Batch#encode).
   */
  private long redisClockOffset;
  private long timerId = -1;
  /** System.nanoTime() at which the armed timer fires. */
  private long timerDueNanos;
  private int inFlight;
  /** The lane the next pump looks at first, so that under the in-flight cap every shard gets its turn. */
  private int firstLane;
  private Promise<Void> drained;

  /** One shard's queue and its batch in flight. */
  private static final class Lane {
    final int shard;
    /** Kept as objects up to two batches; a longer backlog is packed (see {@link Backlog}). */
    final Backlog waiting;
    /** System.nanoTime() when the oldest event in {@link #waiting} arrived (routed to this lane). */
    long oldestNanos;
    /** Parts of a batch split after a deterministic failure: sent before anything new. */
    final ArrayDeque<Batch> ahead = new ArrayDeque<>();
    Batch current;
    boolean inFlight;
    long sequence;
    /** When a failed batch is re-sent (real time: a test clock may stand still). */
    final Backoff backoff;
    long lastBucket = -1;

    Lane(int shard, Backoff backoff, int looseMax) {
      this.shard = shard;
      this.backoff = backoff;
      this.waiting = new Backlog(looseMax);
    }

    boolean idle() {
      return current == null && ahead.isEmpty() && waiting.isEmpty();
    }
  }

  /**
   * @param redis a connection of the batcher's own (a single server's or a cluster's)
   */
  public Batcher(ShardScripts redis, Keys keys, Retention retention,
      EngagementMetrics metrics, Clock clock, Duration interval, Limits limits, int maxBatch, int maxPending,
      Duration drainTimeout) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.retention = Objects.requireNonNull(retention, "retention");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.intervalMillis = interval.toMillis();
    this.intervalNanos = interval.toNanos();
    this.limits = AddressAllowance.forScript(Objects.requireNonNull(limits, "limits"));
    this.allowance = new AddressAllowance(limits);
    this.maxBatch = maxBatch;
    this.maxPending = maxPending;
    this.drainTimeout = Objects.requireNonNull(drainTimeout, "drainTimeout");
    this.lanes = new Lane[keys.shards()];
    for (int i = 0; i < lanes.length; i++) {
      lanes[i] = new Lane(i, new Backoff(intervalMillis, MAX_BACKOFF), 2 * maxBatch);
    }
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
    int queuedNow = queued.incrementAndGet();
    if (queuedNow == 1) {
      queuedSinceNanos = System.nanoTime();
    }
    if (queuedNow == maxBatch && context != null) {
      context.runOnContext(v -> pump());
    }
    return true;
  }

  /** Waiting events held in packed form (a backlog past two batches per shard; for tests). */
  int packedEvents() {
    int n = 0;
    for (Lane lane : lanes) {
      n += lane.waiting.packedEvents();
    }
    return n;
  }

  /** Events accepted and not yet applied to Redis (nor quarantined). */
  public int pending() {
    return pending.get();
  }

  public int capacity() {
    return maxPending;
  }

  /** The latest batches set aside after a deterministic failure, newest last (for operators and tests). */
  public List<List<Countable>> quarantined() {
    return quarantine.stream().map(b -> b.accepted).toList();
  }

  @Override
  public Future<?> start() {
    arm(System.nanoTime());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    drained = Promise.promise();
    pump();
    long guard = vertx.setTimer(drainTimeout.toMillis(), t -> {
      if (drained.tryComplete()) {
        LOG.error("Stopped before Redis took {} pending events (Redis unavailable for {}); they are lost",
            pending.get(), drainTimeout);
      }
    });
    return drained.future().onComplete(ar -> {
      vertx.cancelTimer(guard);
      if (timerId >= 0) {
        vertx.cancelTimer(timerId);
      }
    });
  }

  /** Sets the timer for the next lane due (at most one interval ahead), sooner than an armed one if need be. */
  private void arm(long now) {
    long due = now + intervalNanos;
    if (queued.get() > 0) {
      due = Math.min(due, queuedSinceNanos + intervalNanos);
    }
    for (Lane lane : lanes) {
      if (!lane.inFlight && lane.current == null && lane.ahead.isEmpty() && !lane.waiting.isEmpty()) {
        due = Math.min(due, lane.oldestNanos + intervalNanos);
      }
    }
    if (timerId >= 0) {
      if (timerDueNanos - due < TimeUnit.MILLISECONDS.toNanos(1)) {
        return;
      }
      vertx.cancelTimer(timerId);
    }
    timerDueNanos = due;
    timerId = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(due - now)), id -> {
      timerId = -1;
      pump();
    });
  }

  /** Routes queued events to their shards and sends every idle shard's next batch. */
  private void pump() {
    Countable e;
    int routed = 0;
    long nowMillis = clock.millis();
    long now = System.nanoTime();
    long since = queuedSinceNanos;
    while ((e = queue.poll()) != null) {
      Lane lane = lanes[keys.shardOf(e.article())];
      if (lane.waiting.isEmpty()) {
        lane.oldestNanos = since;
      }
      lane.waiting.add(allowance.admit(e, nowMillis));
      routed++;
    }
    queued.addAndGet(-routed);
    int cap = SCRIPTS_PER_SERVER * redis.servers();
    for (int i = 0; i < lanes.length && inFlight < cap; i++) {
      Lane lane = lanes[(firstLane + i) % lanes.length];
      if (lane.inFlight) {
        continue;
      }
      if (lane.current == null) {
        lane.current = lane.ahead.isEmpty() ? (ready(lane, now) ? next(lane) : null) : lane.ahead.poll();
      }
      if (lane.current != null && lane.backoff.due(now)) {
        send(lane, clock.millis());
        firstLane = (lane.shard + 1) % lanes.length;
      }
    }
    if (drained != null && pending.get() == 0) {
      drained.tryComplete();
    } else {
      arm(now);
    }
  }

  /** A lane's waiting events make a batch now: a full one, one whose oldest event has waited the interval, or the drain. */
  private boolean ready(Lane lane, long now) {
    return lane.waiting.size() >= maxBatch || now - lane.oldestNanos >= intervalNanos || drained != null;
  }

  private Batch next(Lane lane) {
    if (lane.waiting.isEmpty()) {
      return null;
    }
    List<Countable> events = new ArrayList<>(Math.min(maxBatch, lane.waiting.size()));
    while (events.size() < maxBatch && !lane.waiting.isEmpty()) {
      events.add(lane.waiting.poll());
    }
    return Batch.of(lane.shard, ++lane.sequence, clock.millis(), events);
  }

  private void send(Lane lane, long now) {
    Batch batch = lane.current;
    lane.inFlight = true;
    inFlight++;
    long bucket = BucketSize.FIVE_MINUTES.startOf(now / 1000);
    Set<String> touch = new HashSet<>();
    for (String article : batch.articles()) {
      Refreshed last = touched.get(article);
      if (last == null || last.bucket != bucket) {
        touch.add(article);
      }
    }
    Batch.Call call = batch.encode(keys, batcherId, retention, limits, bucket, lane.lastBucket != bucket,
        touch, System.currentTimeMillis() + redisClockOffset);
    long started = System.nanoTime();
    redis.<String>run(Batch.SCRIPT, ScriptOutputType.VALUE, call.keys(), call.args(), context).onComplete(ar -> {
      lane.inFlight = false;
      inFlight--;
      if (ar.succeeded()) {
        applied(lane, batch, ar.result(), System.nanoTime() - started);
        lane.lastBucket = bucket;
        touch.forEach(article -> touched.computeIfAbsent(article, a -> new Refreshed()).bucket = bucket);
      } else {
        failed(lane, batch, ar.cause());
      }
      pump();
    });
  }

  private void applied(Lane lane, Batch batch, String result, long nanos) {
    Batch.Outcome outcome = batch.outcome(result);
    if (outcome.redisMillis() > 0) {
      redisClockOffset = outcome.redisMillis() - System.currentTimeMillis();
    }
    outcome.counted().forEach(metrics::counted);
    metrics.dropped(DropReason.DUPLICATE, outcome.duplicates());
    metrics.dropped(DropReason.RATE_LIMITED, outcome.capped());
    metrics.redisBatch().record(nanos, TimeUnit.NANOSECONDS);
    pending.addAndGet(-batch.events);
    lane.current = null;
    if (lane.backoff.succeeded()) {
      LOG.info("Redis takes batches of shard {} again", lane.shard);
    }
  }

  private void failed(Lane lane, Batch batch, Throwable cause) {
    metrics.redisBatchFailed();
    Long redisMillis = RedisFailure.clockSkew(cause);
    if (redisMillis != null) {
      // The declared generations missed Redis' clock (a first call, or this machine's clock moved): named
      // by Redis' clock from now on, so the retry lands. Not worth a warning unless it keeps happening.
      redisClockOffset = redisMillis - System.currentTimeMillis();
    }
    if (RedisFailure.deterministic(cause)) {
      lane.current = null;
      if (batch.articles().size() > 1) {
        // Find the article that fails: its neighbours in the batch go on as batches of their own.
        batch.articles().forEach(article -> lane.ahead.add(batch.only(article, ++lane.sequence)));
      } else {
        quarantine(batch, Backoff.reason(cause));
      }
      return;
    }
    String reason = lane.backoff.failed(cause);
    if (reason != null) {
      LOG.warn("Applying a batch of {} events to Redis (shard {}) failed, retrying: {}", batch.events, lane.shard,
          reason);
    }
  }

  private void quarantine(Batch batch, String reason) {
    metrics.quarantined(batch.events);
    pending.addAndGet(-batch.events);
    quarantine.addLast(batch);
    if (quarantine.size() > KEEP_QUARANTINED) {
      quarantine.removeFirst();
    }
    LOG.error("Redis refused a batch of {} events of article {} (shard {}); set aside, not counted: {}",
        batch.events, batch.articles().iterator().next(), batch.shard, reason);
  }
}
