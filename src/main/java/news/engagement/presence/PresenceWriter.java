package news.engagement.presence;

import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import news.engagement.counting.Keys;
import news.engagement.metrics.EngagementMetrics;
import news.engagement.metrics.EngagementMetrics.CountedType;
import news.engagement.redis.LuaScript;
import news.engagement.redis.RedisStore.ShardScripts;
import news.engagement.redis.ShardWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes sightings from any thread without waiting and, every {@code PRESENCE_INTERVAL}, writes them to
 * Redis coalesced: one {@code write.lua} call per shard with something new, one call in flight per
 * shard. A failed call is kept and re-sent (its sequence makes a repeat a no-op); what arrives meanwhile
 * is folded into the next one. Pings are cheap by design: no dedup key, no HyperLogLog, no batch of the
 * counting path. Stopping writes what is left, bounded by the drain timeout (the loop is
 * {@link ShardWriter}'s).
 */
final class PresenceWriter extends ShardWriter<Slice> {
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
  private final int exactMax;
  private final String writerId = "p" + UUID.randomUUID().toString().substring(0, 12);

  private final ConcurrentLinkedQueue<Sighting> queue = new ConcurrentLinkedQueue<>();
  /** Parts of sightings (article and visitor) not yet in Redis: zero once everything taken is written. */
  private final AtomicInteger unwritten = new AtomicInteger();

  // Owned by this verticle's context.
  /** Per shard, what arrived while its call was in flight or failing, folded into one next call. */
  private final Slice[] next;
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

  /** Per shard, the site readers set's sampling level its last call answered. */
  private final int[] siteLevels;
  /**
   * Per article, the readers set's sampling level its last call answered, when above 0 (a hot article's;
   * the long tail is exact). A level that fell in Redis (it lapses two minutes after the set was last
   * over half full) costs one call's members below the old level: the answer gives the new one.
   */
  private final Map<String, Integer> levels = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
      return size() > MAX_REFRESHED;
    }
  };

  PresenceWriter(ShardScripts redis, Keys keys, EngagementMetrics metrics, Clock clock, Duration interval,
      int exactMax, int maxPending, Duration drainTimeout) {
    super("sightings (reading now, engaged time)", keys.shards(), interval.toMillis(), MAX_BACKOFF, maxPending,
        drainTimeout);
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.exactMax = exactMax;
    this.next = new Slice[keys.shards()];
    this.siteLevels = new int[keys.shards()];
  }

  /** Queues a sighting; false when {@code PRESENCE_MAX_PENDING} are already waiting. Thread-safe, never blocks. */
  boolean offer(Sighting sighting) {
    if (!reserve()) {
      return false;
    }
    unwritten.addAndGet(2);
    queue.add(sighting);
    return true;
  }

  /** True when everything taken is in Redis, site-wide parts included. */
  @Override
  public boolean written() {
    return unwritten.get() == 0;
  }

  @Override
  protected void route() {
    Slice[] fresh = new Slice[next.length];
    // Members below the sampling level a set last answered would be left out of the call anyway (Slice's
    // pairs): they are dropped here, before any map entry or member string is made for them. The site
    // sets of a busy site sample most visitors away, so most sightings cost only their article's part.
    int siteFloor = Integer.MAX_VALUE;
    for (int level : siteLevels) {
      siteFloor = Math.min(siteFloor, level);
    }
    int dropped = 0;
    Sighting s;
    while ((s = queue.poll()) != null) {
      int sample = Slice.sample(s.visitor());
      boolean reader = sample >= levels.getOrDefault(s.article(), 0);
      String member = reader || sample >= siteFloor ? Slice.member(sample, s.visitor()) : null;
      slice(fresh, keys.shardOf(s.article())).addArticle(s, reader ? member : null);
      if (sample >= siteFloor) {
        int visitorShard = keys.shardOfVisitor(s.visitor());
        if (sample >= siteLevels[visitorShard]) {
          slice(fresh, visitorShard).addVisitor(s, member);
          continue;
        }
      }
      dropped++;
    }
    if (dropped > 0) {
      unwritten.addAndGet(-dropped);
    }
    for (int shard = 0; shard < next.length; shard++) {
      Slice add = fresh[shard];
      if (add != null) {
        if (next[shard] == null) {
          next[shard] = add;
        } else {
          next[shard].absorb(add);
        }
      }
    }
  }

  @Override
  protected Slice next(int shard) {
    Slice slice = next[shard];
    next[shard] = null;
    return slice;
  }

  private static Slice slice(Slice[] slices, int shard) {
    if (slices[shard] == null) {
      slices[shard] = new Slice(shard);
    }
    return slices[shard];
  }

  @Override
  protected Future<?> send(Lane<Slice> lane) {
    Slice slice = lane.current();
    long nanos = System.nanoTime();
    Set<String> refresh = new HashSet<>();
    for (String article : slice.articles()) {
      Long last = refreshed.get(article);
      if (last == null || nanos - last >= REFRESH.toNanos()) {
        refresh.add(article);
      }
    }
    int shard = lane.shard();
    Slice.Call call = slice.encode(keys, writerId, lane.sequence(), clock.millis(), exactMax, refresh,
        siteLevels[shard], article -> levels.getOrDefault(article, 0));
    return redis.<List<Long>>run(SCRIPT, ScriptOutputType.MULTI, call.keys(), call.args(), context).andThen(ar -> {
      if (ar.succeeded()) {
        learnLevels(shard, slice.articles(), ar.result());
        refresh.forEach(article -> refreshed.put(article, nanos));
        done(lane, slice.sightings);
        unwritten.addAndGet(-slice.parts);
        metrics.counted(CountedType.PING, slice.pings);
        if (lane.backoff().succeeded()) {
          LOG.info("Redis takes presence writes of shard {} again", lane.shard());
        }
      } else {
        String reason = lane.backoff().failed(ar.cause());
        if (reason != null) {
          LOG.warn("Writing presence to Redis (shard {}) failed, retrying: {}", lane.shard(), reason);
        }
      }
    });
  }

  /**
   * The levels an applied call answered ({1, site, then per article in call order}; {0} for a repeat).
   * {@code articles} are the call's, in its order: a slice in flight is never added to.
   */
  private void learnLevels(int shard, Set<String> articles, List<Long> reply) {
    if (reply == null || reply.isEmpty() || reply.get(0) != 1L || reply.size() != articles.size() + 2) {
      return;
    }
    siteLevels[shard] = reply.get(1).intValue();
    int i = 2;
    for (String article : articles) {
      int level = reply.get(i++).intValue();
      if (level > 0) {
        levels.put(article, level);
      } else {
        levels.remove(article);
      }
    }
  }
}
