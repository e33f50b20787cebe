package news.engagement.query;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import news.engagement.counting.Keys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The top-list builder, one per instance: rebuilds every list on its own timer ({@link ListBuilder},
 * {@link UniquesLists}) and serves them from memory, so a read of {@code /v1/top} or trending costs
 * Redis nothing. A read that finds the lists older than {@code maxAge}, or of an earlier 5-minute bucket
 * than the clock's, waits for a rebuild (one at a time, shared by every waiting reader).
 */
public final class TopLists extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(TopLists.class);

  /**
   * @param refresh how often the count lists are rebuilt
   * @param uniquesRefresh how often the uniques lists are rebuilt (PFCOUNTs: dearer)
   * @param maxAge a read finding count lists older than this waits for a rebuild
   * @param uniquesMaxAge the same for the uniques lists
   */
  public record Timing(Duration refresh, Duration uniquesRefresh, Duration maxAge, Duration uniquesMaxAge) {
    /** Lists at most about 2 s old, uniques 15 s. */
    public static Timing standard() {
      return new Timing(Duration.ofSeconds(2), Duration.ofSeconds(15), Duration.ofSeconds(3), Duration.ofSeconds(20));
    }

    /**
     * The same with reads served from lists at most {@code maxAge} old (uniques at most the longer of that
     * and their own age limit when it is shorter than the standard one).
     */
    public Timing withMaxAge(Duration maxAge) {
      return new Timing(refresh, uniquesRefresh, maxAge, maxAge.compareTo(this.maxAge) < 0 ? maxAge : uniquesMaxAge);
    }

    /** The same, rebuilt on its timer every {@code refresh}. */
    public Timing withRefresh(Duration refresh) {
      return new Timing(refresh, uniquesRefresh, maxAge, uniquesMaxAge);
    }

    /** Every read rebuilds (single flight): for tests that read right after writing. */
    public static Timing readAfterWrite() {
      return new Timing(Duration.ofSeconds(2), Duration.ofSeconds(15), Duration.ZERO, Duration.ZERO);
    }
  }

  private final Clock clock;
  private final Timing timing;
  private final Labels labels;
  private final ListBuilder counts;
  private final UniquesLists uniques;
  private final SingleFlight<TopSnapshot> countsFlight =
      new SingleFlight<>(TopSnapshot::open, TopSnapshot::startNanos);
  private final SingleFlight<UniquesSnapshot> uniquesFlight =
      new SingleFlight<>(UniquesSnapshot::open, UniquesSnapshot::startNanos);
  private long timer = -1;
  private boolean stopped;
  private boolean failing;

  public TopLists(RedisClusterAsyncCommands<String, String> redis, Keys keys, Clock clock, Timing timing) {
    this(redis, keys, clock, timing, Labels.NONE);
  }

  /** With {@code labels}: items carry titles, urls and sections when known, and lists by section are kept. */
  public TopLists(RedisClusterAsyncCommands<String, String> redis, Keys keys, Clock clock, Timing timing,
      Labels labels) {
    Objects.requireNonNull(redis, "redis");
    Objects.requireNonNull(keys, "keys");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.timing = Objects.requireNonNull(timing, "timing");
    this.labels = Objects.requireNonNull(labels, "labels");
    this.counts = new ListBuilder(redis, keys, labels);
    this.uniques = new UniquesLists(redis, keys);
  }

  @Override
  public Future<?> start() {
    // The first rebuild runs in the background: a Redis outage must not stop the service from starting.
    tick();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  /** The list of {@code metric} over {@code window}, its first {@code limit} items. */
  public Future<TopList> top(Metric metric, Window window, int limit, Context caller) {
    return top(metric, window, null, limit, caller);
  }

  /**
   * The same within a section ({@code sectionKey} lower case; null: the whole site). No uniques by
   * section: they are counted for the window's most viewed only.
   */
  public Future<TopList> top(Metric metric, Window window, String sectionKey, int limit, Context caller) {
    if (metric == Metric.UNIQUES) {
      if (sectionKey != null) {
        throw new IllegalArgumentException("no uniques by section");
      }
      return onOwnContext(caller, this::freshUniques).map(u -> list(metric, window, u.at(), u.lists().get(window), limit));
    }
    return onOwnContext(caller, this::freshCounts).map(s -> list(metric, window, s.at(), sectionKey == null
        ? s.lists().get(metric).get(window)
        : s.sections().get(metric).get(window).getOrDefault(sectionKey, List.of()), limit));
  }

  /** The labels lists are labelled with (trending labels its items with them too). */
  Labels labels() {
    return labels;
  }

  /** The latest count lists, rebuilt first if too old (for trending). */
  Future<TopSnapshot> snapshot(Context caller) {
    return onOwnContext(caller, this::freshCounts);
  }

  /** Labelled at read time, from memory: a title set a moment ago shows with the next read. */
  private TopList list(Metric metric, Window window, Instant at, List<TopItem> items, int limit) {
    return new TopList(metric, window, window.start(at), at, items.subList(0, Math.min(limit, items.size())).stream()
        .map(item -> item.labeled(labels)).toList());
  }

  private Future<TopSnapshot> freshCounts() {
    return countsFlight.get(clock.instant(), System.nanoTime() - timing.maxAge().toNanos(),
        (now, start) -> counts.build(now, start, context)).recover(err -> orLatest(countsFlight, err));
  }

  private Future<UniquesSnapshot> freshUniques() {
    return uniquesFlight.get(clock.instant(), System.nanoTime() - timing.uniquesMaxAge().toNanos(),
        (now, start) -> freshCounts().compose(s -> uniques.build(s, start, context)))
        .recover(err -> orLatest(uniquesFlight, err));
  }

  /** While Redis cannot be read, the last lists are better than none. */
  private static <T> Future<T> orLatest(SingleFlight<T> flight, Throwable err) {
    return flight.latest() != null ? Future.succeededFuture(flight.latest()) : Future.failedFuture(err);
  }

  /** Runs on this verticle's context (its state has one thread); the caller's handlers run on the caller's. */
  private <T> Future<T> onOwnContext(Context caller, Supplier<Future<T>> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        work.get().onComplete(ar -> {
          if (ar.succeeded()) {
            result.complete(ar.result());
          } else {
            result.completeExceptionally(ar.cause());
          }
        });
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    });
    return Future.fromCompletionStage(result, caller);
  }

  private void tick() {
    if (stopped) {
      return;
    }
    long started = System.nanoTime();
    Instant now = clock.instant();
    UniquesSnapshot last = uniquesFlight.latest();
    boolean uniquesDue = last == null || last.open() != Window.openBucket(now)
        || started - last.startNanos() >= timing.uniquesRefresh().toNanos();
    countsFlight.get(now, started, (at, start) -> counts.build(at, start, context))
        .compose(s -> uniquesDue
            ? uniquesFlight.get(now, started, (at, start) -> uniques.build(s, start, context)).mapEmpty()
            : Future.succeededFuture())
        .onComplete(ar -> {
          if (ar.failed() && !failing) {
            LOG.warn("Top lists could not be rebuilt, serving the last ones: {}", ar.cause().toString());
          } else if (ar.succeeded() && failing) {
            LOG.info("Top lists rebuilt again");
          }
          failing = ar.failed();
          if (!stopped) {
            timer = vertx.setTimer(timing.refresh().toMillis(), id -> tick());
          }
        });
  }
}
