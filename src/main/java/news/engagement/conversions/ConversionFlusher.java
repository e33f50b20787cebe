package news.engagement.conversions;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import news.engagement.history.ClickHouseClient;
import news.engagement.history.LeasedFlusher;

/**
 * Every flush interval: creates the conversions tables once ClickHouse answers, then, holding the
 * conversions flush lease, reads each shard's dirty minutes, inserts their absolute counts with the
 * minute's version into {@code article_conversions_minutes}, and marks clean in Redis the minutes that
 * did not change meanwhile. Each step is safe to repeat: nothing counted twice, nothing leaves Redis
 * before ClickHouse has it. Stopping flushes once more. (The pattern of presence's engaged-time flusher.)
 */
final class ConversionFlusher extends LeasedFlusher {
  /**
   * A clean minute's hash stays this long after its minute, so a call re-sent late (Redis away for less
   * than this) still adds to the minute's cumulative counts instead of starting a smaller row.
   */
  static final Duration KEEP_MINUTE = Duration.ofHours(2);

  private boolean installed;

  ConversionFlusher(RedisClusterAsyncCommands<String, String> redis, ConversionKeys keys, ClickHouseClient clickhouse,
      Clock clock, Duration interval) {
    super(redis, clickhouse, clock, ConversionKeys.FLUSH_LEASE, "conversions", interval,
        new RoomMinutes(ConversionSchema.TABLE, keys.shards(), keys::dirtyMinutes, keys::minute, KEEP_MINUTE));
  }

  @Override
  protected Future<Void> install() {
    if (installed) {
      return Future.succeededFuture();
    }
    return clickhouse.layout().compose(layout -> clickhouse.executeInOrder(ConversionSchema.create(layout,
        clickhouse.database())).onSuccess(v -> installed = true));
  }

  /** Fields "&lt;article&gt;\t&lt;kind&gt;\t&lt;name&gt;" of a minute hash as rows (articles may hold tabs: never, ids do not). */
  @Override
  protected List<JsonObject> minuteRows(long epochSecond, String version, Map<String, String> hash) {
    List<JsonObject> rows = new ArrayList<>();
    hash.forEach((field, value) -> {
      int second = field.lastIndexOf('\t');
      int first = second > 0 ? field.lastIndexOf('\t', second - 1) : -1;
      if (first <= 0 || second != first + 2) {
        return; // __v
      }
      rows.add(new JsonObject().put("article_id", field.substring(0, first)).put("minute", epochSecond)
          .put("kind", ConversionSchema.kind(field.charAt(first + 1))).put("name", field.substring(second + 1))
          .put("count", Long.parseLong(value)).put("version", Long.parseLong(version)));
    });
    return rows;
  }
}
