package news.engagement.query;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import news.engagement.metrics.EngagementMetrics;

/**
 * The in-process cache in front of every public live read (SPEC "Reads under load"): per key at most one
 * load per {@code ttl}; concurrent misses share that load; while a refresh is in flight, or after it
 * failed, the last value is served with its age. A reader after the ttl gets the value held at once and
 * starts its refresh, so reads never wait behind Redis for keys read at least every {@code ttl +
 * maxStale}; a value older than that is only served while the store fails (readers otherwise wait for
 * the refresh), which bounds how old an answer can be.
 *
 * <p>One cache per instance, shared by the HTTP verticles of every event loop, so the store sees one read
 * per key per refresh whatever the number of cores. State is guarded by the cache's own lock: each
 * critical section is a few map operations, never I/O, so the event loops wait on each other for well
 * under a microsecond; a cache per verticle would avoid that and multiply store reads by the cores.
 * Entries are kept in least-recently-read order and the oldest is dropped past {@code maxEntries}, so
 * junk keys cannot grow memory.
 */
public final class ReadCache<K, V> {
  /** Loads values for keys, in the order of the keys; one round trip for all of them where it can. */
  @FunctionalInterface
  public interface Source<K, V> {
    Future<List<V>> load(List<K> keys, Context context);

    /** A source that can only load one key at a time (a top list): one call per key, side by side. */
    static <K, V> Source<K, V> oneByOne(BiFunction<K, Context, Future<V>> loadOne) {
      return (keys, context) -> {
        if (keys.size() == 1) {
          return loadOne.apply(keys.get(0), context).map(List::of);
        }
        List<Future<V>> each = keys.stream().map(key -> loadOne.apply(key, context)).toList();
        return Future.all(each).map(all -> all.<V>list());
      };
    }
  }

  /** What {@link #get} answers: the value, how long ago it was read, and whether the last read failed. */
  public record Cached<V>(V value, long ageNanos, boolean storeFailing) {
    public long ageSeconds() {
      return ageNanos / 1_000_000_000L;
    }
  }

  /**
   * Settings shared by the caches of one instance: refresh interval; how long past it a value is still
   * answered at once while it is refreshed behind the reader; how long a reader of a key with an older
   * value waits for the store before that value is answered anyway (zero: as long as the store takes);
   * time source; meters.
   */
  public record Settings(Duration ttl, Duration maxStale, Duration maxWait, LongSupplier nanoTime,
      MeterRegistry registry) {
    public Settings {
      Objects.requireNonNull(ttl, "ttl");
      Objects.requireNonNull(maxStale, "maxStale");
      Objects.requireNonNull(maxWait, "maxWait");
      Objects.requireNonNull(nanoTime, "nanoTime");
      Objects.requireNonNull(registry, "registry");
    }
  }

  /** Marks an answer of {@link #answer}: serve the value held now, and refresh it behind the reader. */
  private static final Object REFRESH = new Object();

  private final Source<K, V> source;
  private final long ttlNanos;
  private final long maxStaleNanos;
  private final long maxWaitMillis;
  private final LongSupplier nanoTime;
  private final Counter hits;
  private final Counter misses;
  private final Counter stale;
  private final Counter late;
  private final Counter loads;
  private final Counter loadFailures;
  /** Access-ordered, guarded by {@code this}. */
  private final LinkedHashMap<K, Entry<V>> entries;

  /** @param name the {@code cache} tag of the meters: a fixed word, never a key */
  public ReadCache(String name, Source<K, V> source, int maxEntries, Settings settings) {
    this.source = Objects.requireNonNull(source, "source");
    this.ttlNanos = settings.ttl().toNanos();
    this.maxStaleNanos = settings.maxStale().toNanos();
    // With the cache off (ttl 0) every reader reads Redis and waits for it, as without a cache.
    this.maxWaitMillis = ttlNanos == 0 ? 0 : settings.maxWait().toMillis();
    this.nanoTime = settings.nanoTime();
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, Entry<V>> eldest) {
        return size() > maxEntries;
      }
    };
    MeterRegistry registry = settings.registry();
    hits = requests(registry, name, "hit");
    misses = requests(registry, name, "miss");
    stale = requests(registry, name, "stale");
    late = requests(registry, name, "late");
    loads = Counter.builder(EngagementMetrics.READ_CACHE_LOADS).description("Store reads made by the read cache")
        .tag("cache", name).register(registry);
    loadFailures = Counter.builder(EngagementMetrics.READ_CACHE_LOAD_FAILURES)
        .description("Store reads of the read cache that failed").tag("cache", name).register(registry);
    Gauge.builder(EngagementMetrics.READ_CACHE_ENTRIES, this, ReadCache::size)
        .description("Keys held by the read cache").tag("cache", name).register(registry);
  }

  private static Counter requests(MeterRegistry registry, String name, String result) {
    return Counter.builder(EngagementMetrics.READ_CACHE_REQUESTS)
        .description("Reads answered by the read cache: hit (fresh), stale (old value while refreshing or "
            + "while the store fails), miss (waited for a store read), late (a miss that waited the most it may "
            + "and got the value held before)")
        .tag("cache", name).tag("result", result).register(registry);
  }

  public Future<Cached<V>> get(K key, Context context) {
    return get(key, context, true);
  }

  /**
   * The value of one key; a hit completes at once, with no allocation beyond the answer. Without
   * {@code staleAllowed} (a reader who asked to revalidate) nothing past the ttl is answered while the
   * store answers: the reader waits for the refresh, which is still one per key per ttl.
   */
  @SuppressWarnings("unchecked")
  public Future<Cached<V>> get(K key, Context context, boolean staleAllowed) {
    long now = nanoTime.getAsLong();
    List<Load> load = new ArrayList<>(0);
    Object answer;
    synchronized (this) {
      answer = resolve(key, now, staleAllowed ? maxStaleNanos : 0, load, staleAllowed ? context : null);
    }
    if (!load.isEmpty()) {
      load.get(0).start(context);
    }
    return answer instanceof Future ? onContext((Future<Cached<V>>) answer, context)
        : Future.succeededFuture((Cached<V>) answer);
  }

  /**
   * The values of {@code keys}, in their order. Only the keys with nothing fresh are loaded, all in one
   * {@link Source#load} call. Fails only if a key has no value at all and its load failed.
   */
  public Future<List<Cached<V>>> getAll(List<K> keys, Context context) {
    return getAll(keys, context, true);
  }

  /** As {@link #get(Object, Context, boolean)}, for several keys at once. */
  @SuppressWarnings("unchecked")
  public Future<List<Cached<V>>> getAll(List<K> keys, Context context, boolean staleAllowed) {
    Object[] answers = new Object[keys.size()];
    long now = nanoTime.getAsLong();
    List<Load> load = new ArrayList<>(0);
    boolean waits = false;
    synchronized (this) {
      for (int i = 0; i < keys.size(); i++) {
        Object answer = resolve(keys.get(i), now, staleAllowed ? maxStaleNanos : 0, load,
            staleAllowed ? context : null);
        waits |= answer instanceof Future;
        answers[i] = answer;
      }
    }
    if (!load.isEmpty()) {
      load.get(0).start(context);
    }
    if (!waits) {
      List<Cached<V>> ready = new ArrayList<>(answers.length);
      for (Object answer : answers) {
        ready.add((Cached<V>) answer);
      }
      return Future.succeededFuture(ready);
    }
    List<Future<Cached<V>>> pending = new ArrayList<>(answers.length);
    for (Object answer : answers) {
      pending.add(answer instanceof Future ? onContext((Future<Cached<V>>) answer, context)
          : Future.succeededFuture((Cached<V>) answer));
    }
    return Future.all(pending).map(all -> all.<Cached<V>>list());
  }

  /**
   * A {@link Cached} to answer now or a {@code Future<Cached>} to wait for; a key that needs the store
   * joins the one {@link Load} of the call, created in {@code load} when first needed. Holding the lock.
   */
  private Object resolve(K key, long now, long maxStale, List<Load> load, Context context) {
    Entry<V> entry = entries.computeIfAbsent(key, k -> new Entry<>());
    Object answer = answer(entry, now, maxStale, context);
    if (answer != null && answer != REFRESH) {
      return answer;
    }
    if (answer == null) {
      misses.increment();
    }
    if (load.isEmpty()) {
      load.add(new Load(now));
    }
    load.get(0).add(key, entry);
    return answer == REFRESH ? entry.cached(now, entry.failing) : awaitRefresh(entry, context);
  }

  /**
   * What to answer for an entry: a {@link Cached}, a {@code Future<Cached>} to wait for, {@link #REFRESH}
   * (answer the value held and read the store behind it) or null (wait for a read of the store).
   * Called holding the lock.
   */
  private Object answer(Entry<V> entry, long now, long maxStale, Context context) {
    long age = now - entry.loadedAt;
    if (entry.value != null && age < ttlNanos) {
      hits.increment();
      return entry.cached(now, false);
    }
    boolean failedRecently = entry.failing && now - entry.failedAt < ttlNanos;
    boolean servable = entry.value != null && (age < ttlNanos + maxStale || failedRecently);
    if (entry.inFlight == null && !failedRecently) {
      if (servable) {
        stale.increment();
        return REFRESH;
      }
      return null;
    }
    // Someone is reading the store, or it failed moments ago: do not ask again.
    if (servable) {
      stale.increment();
      return entry.cached(now, entry.failing);
    }
    misses.increment();
    return entry.inFlight != null ? awaitRefresh(entry, context) : Future.failedFuture(entry.failure);
  }

  /**
   * The refresh in flight; if it fails, the value held before it (marked so), else the failure. A reader
   * of a key that holds a value (too old to answer at once) waits at most {@code maxWait}: then the held
   * value is answered after all, with its age, so a store slowed by a write backlog delays such a read by
   * that much, not by the backlog; the refresh lands for the next reader. No cap without {@code context}
   * (a reader who asked to revalidate waits for the store).
   */
  private Future<Cached<V>> awaitRefresh(Entry<V> entry, Context context) {
    V old = entry.value;
    long oldLoadedAt = entry.loadedAt;
    Future<Cached<V>> refreshed = entry.inFlight.map(v -> new Cached<>(v, 0, false)).recover(err -> old == null
        ? Future.failedFuture(err)
        : Future.succeededFuture(new Cached<>(old, nanoTime.getAsLong() - oldLoadedAt, true)));
    if (old == null || context == null || maxWaitMillis <= 0 || refreshed.isComplete()) {
      return refreshed;
    }
    Vertx vertx = context.owner();
    Promise<Cached<V>> first = Promise.promise();
    long timer = vertx.setTimer(maxWaitMillis, id -> {
      if (first.tryComplete(new Cached<>(old, nanoTime.getAsLong() - oldLoadedAt, false))) {
        late.increment();
      }
    });
    refreshed.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        first.tryComplete(ar.result());
      } else {
        first.tryFail(ar.cause());
      }
    });
    return first.future();
  }

  /** One read of the store for the keys that had nothing fresh in one {@link #getAll} call. */
  private final class Load {
    private final long startedAt;
    private final List<K> keys = new ArrayList<>(1);
    private final List<Entry<V>> loading = new ArrayList<>(1);
    private final Promise<List<V>> promise = Promise.promise();
    /** Completes after the entries took the result, so no waiter sees a stale entry state. */
    private final Future<List<V>> applied = promise.future().andThen((AsyncResult<List<V>> ar) -> apply(ar));

    Load(long startedAt) {
      this.startedAt = startedAt;
    }

    /** Called holding the lock: the key joins this read. */
    void add(K key, Entry<V> entry) {
      int index = keys.size();
      keys.add(key);
      loading.add(entry);
      entry.inFlight = applied.map(values -> values.get(index));
    }

    void start(Context context) {
      loads.increment();
      Future<List<V>> loaded;
      try {
        loaded = source.load(keys, context);
      } catch (RuntimeException e) {
        loaded = Future.failedFuture(e);
      }
      loaded.onComplete(ar -> promise.handle(ar.succeeded() && ar.result().size() != keys.size()
          ? Future.failedFuture(new IllegalStateException("source answered " + ar.result().size()
              + " values for " + keys.size() + " keys"))
          : ar));
    }

    private void apply(AsyncResult<List<V>> ar) {
      synchronized (ReadCache.this) {
        for (int i = 0; i < keys.size(); i++) {
          Entry<V> entry = loading.get(i);
          entry.inFlight = null;
          entry.failing = ar.failed();
          if (ar.succeeded()) {
            entry.value = ar.result().get(i);
            entry.loadedAt = startedAt;
            entry.failure = null;
          } else {
            entry.failedAt = startedAt;
            entry.failure = ar.cause();
          }
        }
      }
      if (ar.failed()) {
        loadFailures.increment();
      }
    }
  }

  /** Waiters from another event loop get their answer on their own loop, as Vert.x handlers expect. */
  private static <T> Future<T> onContext(Future<T> future, Context context) {
    if (future.isComplete()) {
      return future;
    }
    Promise<T> promise = Promise.promise();
    future.onComplete(ar -> {
      if (Vertx.currentContext() == context) {
        promise.handle(ar);
      } else {
        context.runOnContext(v -> promise.handle(ar));
      }
    });
    return promise.future();
  }

  synchronized int size() {
    return entries.size();
  }

  /** One key's state; fields guarded by the cache's lock. */
  private static final class Entry<V> {
    V value;
    long loadedAt;
    Future<V> inFlight;
    boolean failing;
    long failedAt;
    Throwable failure;

    Cached<V> cached(long now, boolean storeFailing) {
      return new Cached<>(value, now - loadedAt, storeFailing);
    }
  }
}
