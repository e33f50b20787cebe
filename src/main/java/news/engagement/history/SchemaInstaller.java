package news.engagement.history;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the ClickHouse database objects ({@link Schema#create}) and migrates the first layout's table
 * ({@link Schema#LEGACY_TABLE}, no generation column) into the current one, retrying with backoff until
 * ClickHouse answers. Every step is idempotent and safe with several instances starting at once, so the
 * whole sequence simply runs again after any failure. Start-up does not wait for it: ingest works while ClickHouse is down, and the
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
    install(clickhouse.database()).onComplete(ar -> {
      if (ar.succeeded()) {
        installed = true;
        LOG.info("ClickHouse schema ready in database {} ({})", clickhouse.database(), clickhouse.layout().result());
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

  private Future<Void> install(String db) {
    return clickhouse.layout().compose(layout -> layout.clustered() ? installOnCluster(layout, db) : installOnOneServer(db));
  }

  private Future<Void> installOnOneServer(String db) {
    ClickHouseLayout single = ClickHouseLayout.single();
    return clickhouse.execute(single.createDatabase(db))
        .compose(v -> run(Schema.createRowsTable(single, db)))
        .compose(v -> dropOutdatedView(db))
        .compose(v -> finishMigration(db))
        .compose(v -> exists(db, Schema.LEGACY_TABLE))
        // Renamed before the copy: an instance of the previous version still inserting into it fails and
        // retries (its minutes stay dirty in Redis, for this version's flusher) instead of being missed.
        .compose(legacy -> legacy ? clickhouse.execute(Schema.rename(db, Schema.LEGACY_TABLE, Schema.MIGRATING_TABLE))
            .compose(v -> finishMigration(db)) : Future.succeededFuture())
        .compose(v -> clickhouse.execute(Schema.createView(single, db)))
        .compose(v -> run(Schema.createSiteTable(single, db)))
        .compose(v -> run(SourcesSchema.create(single, db)))
        .compose(v -> run(RollupSchema.create(single, db)));
  }

  /**
   * A cluster starts with the current layout: there is no first-layout table to migrate (that layout only
   * ever ran on one server; moving one server's history onto a cluster is a copy, see docs/scaling.md).
   * The rows table's name must be the Distributed table, else the service would write one node only.
   */
  private Future<Void> installOnCluster(ClickHouseLayout layout, String db) {
    return clickhouse.execute(layout.createDatabase(db))
        .compose(v -> run(Schema.createRowsTable(layout, db)))
        .compose(v -> expectEngine(layout, db, Schema.ROWS_TABLE))
        .compose(v -> clickhouse.execute(Schema.createView(layout, db)))
        .compose(v -> run(Schema.createSiteTable(layout, db)))
        .compose(v -> expectEngine(layout, db, Schema.SITE_TABLE))
        .compose(v -> run(SourcesSchema.create(layout, db)))
        .compose(v -> run(RollupSchema.create(layout, db)));
  }

  private Future<Void> run(java.util.List<String> statements) {
    return clickhouse.executeInOrder(statements);
  }

  private Future<Void> expectEngine(ClickHouseLayout layout, String db, String table) {
    return clickhouse.queryTabSeparated(layout.engineCheck(db, table)).compose(rows -> {
      String engine = rows.isEmpty() ? "(none)" : rows.get(0)[0];
      return layout.expectedEngine(engine) ? Future.succeededFuture()
          : Future.failedFuture(new IllegalStateException(db + "." + table + " is a " + engine + " table, not the "
              + "Distributed table CLICKHOUSE_CLUSTER needs (a one-server layout on this node?): see docs/scaling.md"));
    });
  }

  /** The view of the first layout reads the legacy table: dropped here, created again over the rows table. */
  private Future<Void> dropOutdatedView(String db) {
    return exists(db, Schema.VIEW).compose(exists -> !exists ? Future.succeededFuture()
        : clickhouse.queryTabSeparated(Schema.showCreate(db, Schema.VIEW)).compose(rows -> {
          String create = rows.stream().map(r -> String.join("\t", r)).reduce("", String::concat);
          if (Schema.viewIsCurrent(create)) {
            return Future.succeededFuture();
          }
          LOG.info("Replacing the view {}.{} by one over {}", db, Schema.VIEW, Schema.ROWS_TABLE);
          return clickhouse.execute(Schema.dropView(db));
        }));
  }

  /** Copies the renamed legacy rows as generation 0 (a repeated copy changes nothing), then sets them aside. */
  private Future<Void> finishMigration(String db) {
    return exists(db, Schema.MIGRATING_TABLE).compose(migrating -> !migrating ? Future.succeededFuture()
        : clickhouse.execute(Schema.copyLegacyRows(db))
            .compose(v -> exists(db, Schema.MIGRATED_TABLE))
            .compose(backup -> clickhouse.execute(backup ? Schema.drop(db, Schema.MIGRATING_TABLE)
                : Schema.rename(db, Schema.MIGRATING_TABLE, Schema.MIGRATED_TABLE)))
            .onSuccess(v -> LOG.info("Copied the rows of {}.{} into {} (generation 0); the old table is kept as {}",
                db, Schema.LEGACY_TABLE, Schema.ROWS_TABLE, Schema.MIGRATED_TABLE)));
  }

  private Future<Boolean> exists(String db, String table) {
    return clickhouse.queryTabSeparated(Schema.exists(db, table)).map(rows -> "1".equals(rows.get(0)[0]));
  }
}
