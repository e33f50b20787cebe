package news.engagement.conversions;

import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayDeque;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import news.engagement.counting.RedisFailure;
import news.engagement.metrics.EngagementMetrics;
import news.engagement.metrics.EngagementMetrics.CountedType;
import news.engagement.metrics.EngagementMetrics.DropReason;
import news.engagement.redis.LuaScript;
import news.engagement.redis.RedisStore.ShardScripts;
import news.engagement.redis.ShardWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes clicks from any thread without waiting and, every interval, writes them to Redis coalesced: one
 * {@code count.lua} call per shard with something new, one call in flight per shard. A call that fails
 * transiently is re-sent unchanged (its sequence makes a repeat a no-op) while what arrives meanwhile
 * waits in the next slices (at most {@link #MAX_SLICE} clicks each); one Redis refuses deterministically is set aside and logged. Stopping writes
 * what is left, bounded by the drain timeout (the loop is {@link ShardWriter}'s).
 */
final class ConversionWriter extends ShardWriter<ClickSlice> {
  private static final Logger LOG = LoggerFactory.getLogger(ConversionWriter.class);
  static final LuaScript SCRIPT = LuaScript.load("/news/engagement/conversions/count.lua");
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  static final int MAX_SLICE = 2_000;

  private final ShardScripts redis;
  private final ConversionKeys keys;
  private final EngagementMetrics metrics;
  private final Clock clock;
  private final long dedupWindowMillis;
  private final String writerId = "c" + UUID.randomUUID().toString().substring(0, 12);

  private final ConcurrentLinkedQueue<Click> queue = new ConcurrentLinkedQueue<>();

  // Owned by this verticle's context.
  /** Per shard, slices waiting, oldest first; a slice is closed at {@link #MAX_SLICE} clicks so no call grows unbounded. */
  private final ArrayDeque<ClickSlice>[] waiting;

  @SuppressWarnings("unchecked")
  ConversionWriter(ShardScripts redis, ConversionKeys keys, EngagementMetrics metrics, Clock clock,
      Duration interval, Duration dedupWindow, int maxPending, Duration drainTimeout) {
    super("conversions and outbound clicks", keys.shards(), Math.max(1, interval.toMillis()), MAX_BACKOFF, maxPending,
        drainTimeout);
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.dedupWindowMillis = dedupWindow.toMillis();
    this.waiting = new ArrayDeque[keys.shards()];
    for (int i = 0; i < waiting.length; i++) {
      waiting[i] = new ArrayDeque<>();
    }
  }

  /** Queues a click; false when {@code maxPending} already wait. Thread-safe, never blocks. */
  boolean offer(Click click) {
    if (!reserve()) {
      return false;
    }
    queue.add(click);
    return true;
  }

  @Override
  protected void route() {
    Click c;
    while ((c = queue.poll()) != null) {
      int shard = keys.shardOf(c.article());
      ClickSlice last = waiting[shard].peekLast();
      if (last == null || last.clicks >= MAX_SLICE) {
        last = new ClickSlice(shard);
        waiting[shard].addLast(last);
      }
      last.add(c);
    }
  }

  @Override
  protected ClickSlice next(int shard) {
    return waiting[shard].poll();
  }

  @Override
  protected Future<?> send(Lane<ClickSlice> lane) {
    ClickSlice slice = lane.current();
    ClickSlice.Call call = slice.call(keys, writerId, lane.sequence(), clock.millis(), dedupWindowMillis);
    return redis.<String>run(SCRIPT, ScriptOutputType.VALUE, call.keys(), call.args(), context).andThen(ar -> {
      if (ar.succeeded()) {
        JsonObject r = new JsonObject(ar.result());
        metrics.counted(CountedType.CONVERSION, r.getLong("conversions", 0L));
        metrics.counted(CountedType.OUTBOUND, r.getLong("outbound", 0L));
        metrics.dropped(DropReason.DUPLICATE, r.getLong("duplicates", 0L) + slice.localDuplicates);
        done(lane, slice.clicks);
        if (lane.backoff().succeeded()) {
          LOG.info("Redis takes conversions of shard {} again", lane.shard());
        }
      } else if (RedisFailure.deterministic(ar.cause())) {
        LOG.error("Redis refused {} conversions and outbound clicks of shard {}; set aside, not counted: {}",
            slice.clicks, lane.shard(), ar.cause().getMessage());
        metrics.quarantined(slice.clicks);
        done(lane, slice.clicks);
        lane.backoff().reset();
      } else {
        String reason = lane.backoff().failed(ar.cause());
        if (reason != null) {
          LOG.warn("Writing conversions to Redis (shard {}) failed, retrying: {}", lane.shard(), reason);
        }
      }
    });
  }
}
