package news.engagement.metadata;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import news.engagement.history.ClickHouseClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies metadata writes to ClickHouse's {@code articles} table: creates it once ClickHouse answers,
 * then every few seconds inserts the latest row of each article written since (at most
 * {@link #MAX_PENDING} articles wait; past that a write is not copied until the article's next crawl).
 * Redis stays the truth: a row not inserted before a restart comes with the article's next write.
 */
final class ArticlesTable extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ArticlesTable.class);
  static final int MAX_PENDING = 10_000;

  private final ClickHouseClient clickhouse;
  private final long intervalMillis;
  private final Map<String, JsonObject> pending = new ConcurrentHashMap<>();
  private boolean installed;
  private boolean stopping;
  private long timer = -1;
  private Future<Void> running = Future.succeededFuture();
  private String lastFailure;

  ArticlesTable(ClickHouseClient clickhouse, Duration interval) {
    this.clickhouse = Objects.requireNonNull(clickhouse, "clickhouse");
    this.intervalMillis = interval.toMillis();
  }

  /** Queues the article's row (any thread); a later row of the same article replaces it. */
  void offer(String article, Known known) {
    if (pending.size() >= MAX_PENDING && !pending.containsKey(article)) {
      return;
    }
    pending.put(article, row(article, known));
  }

  static JsonObject row(String article, Known known) {
    Fields f = known.merged();
    return new JsonObject()
        .put("article_id", article)
        .put("title", orEmpty(f.title()))
        .put("url", orEmpty(f.url()))
        .put("section", orEmpty(f.section()))
        .put("authors", new JsonArray(f.authors()))
        .put("published", f.published() == null ? 0 : f.published().getEpochSecond())
        .put("image", orEmpty(f.image()))
        .put("crawled_at", known.crawledAt() / 1000)
        .put("edited_at", known.editedAt() / 1000)
        .put("version", known.version());
  }

  private static String orEmpty(String text) {
    return text == null ? "" : text;
  }

  @Override
  public Future<?> start() {
    arm();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(timer);
    return running.compose(v -> flush()).recover(err -> Future.succeededFuture());
  }

  private void arm() {
    timer = vertx.setTimer(intervalMillis, id -> running = flush().onComplete(ar -> {
      if (!stopping) {
        arm();
      }
    }));
  }

  /** One insert of everything pending; never fails (rows stay pending). */
  Future<Void> flush() {
    Future<Void> ready = installed ? Future.succeededFuture() : install();
    return ready.compose(v -> {
      List<Map.Entry<String, JsonObject>> rows = new ArrayList<>(pending.entrySet());
      if (rows.isEmpty()) {
        return Future.<Void>succeededFuture();
      }
      return clickhouse.insertJsonEachRow(MetadataSchema.TABLE, rows.stream().map(Map.Entry::getValue).toList())
          .onSuccess(x -> rows.forEach(e -> pending.remove(e.getKey(), e.getValue())));
    }).onSuccess(v -> {
      if (lastFailure != null) {
        LOG.info("Writing article metadata to ClickHouse works again");
        lastFailure = null;
      }
    }).recover(err -> {
      String reason = err.getClass().getSimpleName() + ": " + err.getMessage();
      if (!reason.equals(lastFailure)) {
        LOG.warn("Writing article metadata to ClickHouse failed; {} rows wait: {}", pending.size(), reason);
        lastFailure = reason;
      }
      return Future.succeededFuture();
    });
  }

  private Future<Void> install() {
    return clickhouse.layout().compose(layout -> clickhouse.executeInOrder(MetadataSchema.create(layout,
        clickhouse.database()))).onSuccess(v -> installed = true);
  }

  /** A flush run now on the table's own context (tests). */
  Future<Void> flushOnItsContext() {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    context.runOnContext(v -> flush().onComplete(done));
    return done.future();
  }

  /** Rows not in ClickHouse yet (tests). */
  int pending() {
    return pending.size();
  }
}
