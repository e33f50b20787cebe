package news.engagement.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The service's own meters. Names are Micrometer names; Prometheus shows them with dots as
 * underscores and counters suffixed {@code _total}. Tags are low-cardinality enums only.
 */
public final class EngagementMetrics {
  public static final String RECEIVED = "engagement.events.received";
  public static final String COUNTED = "engagement.events.counted";
  public static final String DROPPED = "engagement.events.dropped";
  public static final String PENDING = "engagement.events.pending";
  /** Site-wide readers now (presence), as last read from Redis: the same on every instance, so max() it. */
  public static final String READERS_NOW = "engagement.readers.now";
  public static final String REDIS_BATCH = "engagement.redis.batch";
  public static final String REDIS_BATCH_FAILURES = "engagement.redis.batch.failures";
  public static final String REDIS_QUARANTINED = "engagement.redis.batch.quarantined";
  public static final String QUARANTINED_EVENTS = "engagement.events.quarantined";
  public static final String CLICKHOUSE_FLUSH = "engagement.clickhouse.flush";
  public static final String CLICKHOUSE_ROWS = "engagement.clickhouse.rows";
  public static final String CLICKHOUSE_INSERT_BYTES = "engagement.clickhouse.insert.bytes";
  public static final String CLICKHOUSE_FLUSH_FAILURES = "engagement.clickhouse.flush.failures";
  public static final String CLICKHOUSE_LAG = "engagement.clickhouse.lag";
  /** Reads answered by the in-process read cache, tags {@code cache} (articles|top|trending) and {@code result}. */
  public static final String READ_CACHE_REQUESTS = "engagement.read.cache.requests";
  /** Reads of the store the read cache made (one per key per refresh), tag {@code cache}. */
  public static final String READ_CACHE_LOADS = "engagement.read.cache.loads";
  public static final String READ_CACHE_LOAD_FAILURES = "engagement.read.cache.load.failures";
  public static final String READ_CACHE_ENTRIES = "engagement.read.cache.entries";

  /**
   * What an event was counted as; "preview" is a link-preview fetcher's view; a "ping" counts once the
   * presence room has written it to Redis (reading now, engaged time); a "conversion" (a goal such as a
   * channel follow) and an "outbound" click count once the conversions room has written them.
   */
  public enum CountedType { VIEW, LIKE, UNLIKE, SHARE, PREVIEW, PING, CONVERSION, OUTBOUND }

  /** Why an event did not count. */
  public enum DropReason { INVALID, BOT, DUPLICATE, RATE_LIMITED, OVERLOAD }

  private final MeterRegistry registry;
  private final Map<CountedType, Counter> received = new EnumMap<>(CountedType.class);
  private final Map<CountedType, Counter> counted = new EnumMap<>(CountedType.class);
  private final Map<DropReason, Counter> dropped = new EnumMap<>(DropReason.class);
  private final Timer redisBatch;
  private final Counter redisBatchFailures;
  private final Counter quarantinedBatches;
  private final Counter quarantinedEvents;

  public EngagementMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    for (CountedType type : CountedType.values()) {
      String tag = tag(type);
      received.put(type, Counter.builder(RECEIVED).description("Valid events received, by type")
          .tag("type", tag).register(registry));
      counted.put(type, Counter.builder(COUNTED).description("Events that changed a count, by type")
          .tag("type", tag).register(registry));
    }
    for (DropReason reason : DropReason.values()) {
      dropped.put(reason, Counter.builder(DROPPED).description("Events that did not count, by reason")
          .tag("reason", tag(reason)).register(registry));
    }
    redisBatch = Timer.builder(REDIS_BATCH).description("Time to apply one batch of events to Redis")
        .publishPercentileHistogram().register(registry);
    redisBatchFailures = Counter.builder(REDIS_BATCH_FAILURES)
        .description("Batch applications to Redis that failed and were retried").register(registry);
    quarantinedBatches = Counter.builder(REDIS_QUARANTINED)
        .description("Batches Redis refused deterministically (script error, wrong key type): set aside, not retried")
        .register(registry);
    quarantinedEvents = Counter.builder(QUARANTINED_EVENTS)
        .description("Accepted events in quarantined batches: accepted, not counted").register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void received(CountedType type) {
    received.get(type).increment();
  }

  public void counted(CountedType type, long n) {
    if (n > 0) {
      counted.get(type).increment(n);
    }
  }

  public void dropped(DropReason reason, long n) {
    if (n > 0) {
      dropped.get(reason).increment(n);
    }
  }

  public Timer redisBatch() {
    return redisBatch;
  }

  public void redisBatchFailed() {
    redisBatchFailures.increment();
  }

  public void quarantined(int events) {
    quarantinedBatches.increment();
    quarantinedEvents.increment(events);
  }

  /** Registers a gauge of events accepted but not yet applied to Redis. */
  public void pendingGauge(Supplier<Number> pending) {
    io.micrometer.core.instrument.Gauge.builder(PENDING, pending)
        .description("Events accepted and not yet applied to Redis").register(registry);
  }

  /** Registers the gauge of site-wide readers now (no tags: one series per instance). */
  public void readersNowGauge(Supplier<Number> readers) {
    io.micrometer.core.instrument.Gauge.builder(READERS_NOW, readers)
        .description("Distinct readers on the site in the last 60 s, as last read from Redis").register(registry);
  }

  private static String tag(Enum<?> value) {
    return value.name().toLowerCase(java.util.Locale.ROOT);
  }
}
