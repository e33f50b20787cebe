package news.engagement.presence;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import news.engagement.counting.Keys;
import news.engagement.history.ClickHouseClient;
import news.engagement.history.LeasedFlusher;
import news.engagement.history.ClickHouseLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code PRESENCE_FLUSH_INTERVAL}: creates the engaged-time tables once ClickHouse answers, then,
 * holding the presence flush lease, reads each shard's dirty engaged minutes, inserts their absolute
 * values with the minute's version into {@code article_presence_minutes}, and marks clean in Redis the
 * minutes that did not change meanwhile. Each step is safe to repeat: nothing is counted twice, nothing
 * leaves Redis before ClickHouse has it. Stopping flushes once more.
 */
final class EngagedFlusher extends LeasedFlusher {
  private static final Logger LOG = LoggerFactory.getLogger(EngagedFlusher.class);
  /** A clean minute's hash stays this long after its minute (the editor's last five minutes read it). */
  static final Duration KEEP_MINUTE = Duration.ofHours(1);

  private boolean installed;
  private boolean viewExtended;

  EngagedFlusher(RedisClusterAsyncCommands<String, String> redis, Keys keys, ClickHouseClient clickhouse, Clock clock,
      Duration interval) {
    super(redis, clickhouse, clock, Keys.PRESENCE_FLUSH_LEASE, "engaged time", interval,
        new RoomMinutes(PresenceSchema.TABLE, keys.shards(), keys::engagedDirty, keys::engagedMinute, KEEP_MINUTE));
  }

  /** The tables (required before a flush), then the extended contract view (best effort: it needs history's table). */
  @Override
  protected Future<Void> install() {
    if (installed && viewExtended) {
      return Future.succeededFuture();
    }
    return clickhouse.layout().compose(layout -> {
      Future<Void> chain = installed ? Future.succeededFuture()
          : clickhouse.executeInOrder(PresenceSchema.create(layout, clickhouse.database())).onSuccess(v -> installed = true);
      return chain.compose(v -> extendEngagementView(layout)
          .onSuccess(done -> viewExtended = done)
          .<Void>mapEmpty()
          .recover(err -> Future.succeededFuture()));
    });
  }

  /**
   * Gives {@code article_engagement} the engaged columns: swaps history's view (of any layout) for
   * {@link PresenceSchema#createEngagementView}'s with one RENAME, so a dashboard reading it meanwhile
   * never finds it missing; creates it when there is none yet. True once the view has them; an instance
   * of history creating its own view in between, or another instance swapping at the same moment (its
   * RENAME or ours fails), is seen and settled on a later round.
   */
  private Future<Boolean> extendEngagementView(ClickHouseLayout layout) {
    String db = clickhouse.database();
    return clickhouse.execute(PresenceSchema.dropOldJoined(layout, db))
        .compose(v -> engagementView(db))
        .compose(state -> {
          if (state == ViewState.EXTENDED) {
            return Future.succeededFuture(true);
          }
          if (state == ViewState.MISSING) {
            return clickhouse.execute(PresenceSchema.createEngagementView(layout, db))
                .compose(v -> engagementView(db)).map(now -> now == ViewState.EXTENDED);
          }
          LOG.info("Adding engaged_seconds and engaged_visitors to {}.article_engagement (a view swap; no rows move)",
              db);
          return clickhouse.executeInOrder(PresenceSchema.replaceEngagementView(layout, db))
              .compose(v -> engagementView(db)).map(now -> now == ViewState.EXTENDED);
        });
  }

  private enum ViewState { MISSING, PLAIN, EXTENDED }

  private Future<ViewState> engagementView(String db) {
    return clickhouse.queryTabSeparated(PresenceSchema.existsEngagementView(db))
        .compose(rows -> !"1".equals(rows.get(0)[0]) ? Future.succeededFuture(ViewState.MISSING)
            : clickhouse.queryTabSeparated(PresenceSchema.showEngagementView(db)).map(create -> create.stream()
                .anyMatch(r -> String.join("\t", r).contains(PresenceSchema.ENGAGED_COLUMN))
                ? ViewState.EXTENDED : ViewState.PLAIN));
  }

  @Override
  protected List<JsonObject> minuteRows(long epochSecond, String version, Map<String, String> hash) {
    Map<String, JsonObject> byArticle = new LinkedHashMap<>();
    hash.forEach((field, value) -> {
      int tab = field.lastIndexOf('\t');
      if (tab <= 0) {
        return; // __v
      }
      String column = switch (field.substring(tab + 1)) {
        case "s" -> "engaged_seconds";
        case "v" -> "engaged_visitors";
        default -> null;
      };
      if (column != null) {
        byArticle.computeIfAbsent(field.substring(0, tab), article -> new JsonObject().put("article_id", article)
                .put("minute", epochSecond).put("engaged_seconds", 0L).put("engaged_visitors", 0L)
                .put("version", Long.parseLong(version)))
            .put(column, Long.parseLong(value));
      }
    });
    return List.copyOf(byArticle.values());
  }
}
