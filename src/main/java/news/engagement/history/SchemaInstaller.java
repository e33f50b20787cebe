package news.engagement.history;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the ClickHouse database objects ({@link Schema#create}), retrying with backoff until
 * ClickHouse answers. Start-up does not wait for it: ingest works while ClickHouse is down, and the
 * flusher does nothing until {@link #installed()} is true.
 */
final class SchemaInstaller {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaInstaller.class);
  private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  private static final Duration MAX_RETRY = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final ClickHouseClient clickhouse;
  private final Promise<Void> done = Promise.promise();
  private volatile boolean installed;
  private volatile boolean stopped;
  private long timer = -1;
  private String lastFailure;

  SchemaInstaller(Vertx vertx, ClickHouseClient clickhouse) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.clickhouse = Objects.requireNonNull(clickhouse, "clickhouse");
  }

  /** Starts trying; the future completes once every statement has run (never fails, may never complete). */
  Future<Void> start() {
    attempt(FIRST_RETRY.toMillis());
    return done.future();
  }

  boolean installed() {
    return installed;
  }

  void stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private void attempt(long nextDelayMillis) {
    timer = -1;
    if (stopped) {
      return;
    }
    runAll(Schema.create(clickhouse.database())).onComplete(ar -> {
      if (ar.succeeded()) {
        installed = true;
        LOG.info("ClickHouse schema ready in database {}", clickhouse.database());
        done.tryComplete();
        return;
      }
      String reason = ar.cause().getMessage();
      if (!Objects.equals(reason, lastFailure)) {
        LOG.warn("Cannot create the ClickHouse schema yet ({}); retrying with backoff", reason);
        lastFailure = reason;
      }
      if (!stopped) {
        timer = vertx.setTimer(nextDelayMillis,
            t -> attempt(Math.min(MAX_RETRY.toMillis(), nextDelayMillis * 2)));
      }
    });
  }

  private Future<Void> runAll(List<String> statements) {
    Future<Void> chain = Future.succeededFuture();
    for (String sql : statements) {
      chain = chain.compose(v -> clickhouse.execute(sql));
    }
    return chain;
  }
}
