package news.engagement.history;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import news.engagement.counting.Keys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every flush interval: holds the flush lease, and if it has it writes the dirty minutes into ClickHouse
 * ({@link FlushCycle}); then refreshes the lag gauge. Failures are retried with backoff and logged once per
 * distinct cause. Stopping runs one final flush, so it belongs after the batcher has drained.
 */
public final class MinuteFlusher extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MinuteFlusher.class);
  /** Retries of a failing flush back off up to this: once ClickHouse is back the backlog goes within it. */
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
  /** A final flush after a backlog takes at most this many steps of {@link FlushCycle.Limits#rowsPerFlush}. */
  private static final int FINAL_FLUSH_STEPS = 10;

  private final RedisClusterAsyncCommands<String, String> redis;
  private final Keys keys;
  private final ClickHouseClient clickhouse;
  private final BooleanSupplier schemaInstalled;
  private final FlushMetrics metrics;
  private final Clock clock;
  private final FlushLease lease;
  private final long intervalMillis;

  // Owned by this verticle's context.
  private FlushCycle cycle;
  private Rounds rounds;
  private long retryAtNanos;
  private long backoffMillis;
  private String lastFailure;
  private volatile boolean clickhouseAnswers;

  MinuteFlusher(RedisClusterAsyncCommands<String, String> redis, Keys keys, ClickHouseClient clickhouse, BooleanSupplier schemaInstalled,
      FlushMetrics metrics, Clock clock, Duration interval, String instanceId) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.clickhouse = Objects.requireNonNull(clickhouse, "clickhouse");
    this.schemaInstalled = Objects.requireNonNull(schemaInstalled, "schemaInstalled");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.intervalMillis = interval.toMillis();
    // The lease outlives a few missed renewals, and lapses soon after its holder dies.
    this.lease = new FlushLease(redis, instanceId, Duration.ofMillis(Math.max(10_000, 5 * intervalMillis)));
  }

  /** True once the last ClickHouse request of this instance (insert or ping) succeeded. */
  boolean clickhouseAnswers() {
    return clickhouseAnswers;
  }

  @Override
  public Future<?> start() {
    cycle = new FlushCycle(redis, keys, clickhouse, clock, context, FlushCycle.Limits.DEFAULT, metrics::body);
    rounds = new Rounds(vertx, intervalMillis, this::tick);
    rounds.start();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    Future<Void> current = rounds.stop();
    return current.compose(v -> finalFlush());
  }

  private Future<Void> tick() {
    Future<Void> work;
    if (!schemaInstalled.getAsBoolean()) {
      work = Future.succeededFuture();
    } else {
      work = lease.hold(context).compose(held -> held && System.nanoTime() >= retryAtNanos ? flush() : ping());
    }
    // The lag gauge is refreshed every tick, by every instance, whatever happened above.
    return work.recover(err -> Future.succeededFuture())
        .compose(v -> cycle.lagSeconds())
        .onSuccess(metrics::lag)
        .<Void>mapEmpty()
        .recover(err -> Future.succeededFuture());
  }

  /** One flush with its accounting; never fails (a failure schedules the retry). */
  private Future<Void> flush() {
    Timer.Sample sample = Timer.start();
    return flushOnce().compose(result -> {
      if (result.rows() > 0) {
        sample.stop(metrics.flush());
        metrics.inserted(result.rows());
      } else {
        return ping();
      }
      return Future.<Void>succeededFuture();
    }).onSuccess(v -> recovered()).recover(err -> {
      failed(err);
      return Future.succeededFuture();
    });
  }

  record Result(int rows, boolean complete) {
  }

  private Future<Result> flushOnce() {
    return cycle.read().compose(snapshot -> {
      if (snapshot.isEmpty()) {
        return Future.succeededFuture(new Result(0, true));
      }
      return cycle.insert(snapshot)
          .onComplete(ar -> clickhouseAnswers = ar.succeeded())
          .compose(rows -> cycle.ack(snapshot).map(clean -> new Result(rows, snapshot.complete())));
    });
  }

  private Future<Void> ping() {
    return clickhouse.ping().map(ok -> {
      clickhouseAnswers = ok;
      return null;
    });
  }

  private void recovered() {
    backoffMillis = 0;
    retryAtNanos = 0;
    if (lastFailure != null) {
      LOG.info("Flushing to ClickHouse works again");
      lastFailure = null;
    }
  }

  private void failed(Throwable err) {
    metrics.failed();
    String reason = err.getClass().getSimpleName() + ": " + err.getMessage();
    if (!reason.equals(lastFailure)) {
      LOG.warn("Flushing minutes to ClickHouse failed, retrying with backoff (they stay in Redis): {}", reason);
      lastFailure = reason;
    }
    backoffMillis = Math.min(MAX_BACKOFF.toMillis(), Math.max(intervalMillis, backoffMillis * 2));
    retryAtNanos = System.nanoTime() + Duration.ofMillis(backoffMillis).toNanos();
  }

  /** On stop: flush what the drained batcher wrote, then give the lease away. Never fails. */
  private Future<Void> finalFlush() {
    if (!schemaInstalled.getAsBoolean()) {
      LOG.warn("Stopping without a final flush: the ClickHouse schema was never created; dirty minutes stay in Redis");
      return lease.release(context).recover(err -> Future.succeededFuture());
    }
    return lease.hold(context)
        .compose(held -> held ? finalSteps(FINAL_FLUSH_STEPS) : Future.<Void>succeededFuture())
        .onFailure(err -> LOG.warn("Final flush to ClickHouse failed; the minutes stay in Redis for the next "
            + "flusher: {}", err.getMessage()))
        .recover(err -> Future.succeededFuture())
        .compose(v -> lease.release(context))
        .recover(err -> Future.succeededFuture());
  }

  private Future<Void> finalSteps(int left) {
    return flushOnce().compose(result -> {
      metrics.inserted(result.rows());
      return result.complete() || left <= 1 ? Future.<Void>succeededFuture() : finalSteps(left - 1);
    });
  }
}
