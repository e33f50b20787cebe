package news.engagement.conversions;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
  static final int MAX_MINUTES = 120;
  /**
   * A clean minute's hash stays this long after its minute, so a call re-sent late (Redis away for less
   * than this) still adds to the minute's cumulative counts instead of starting a smaller row.
   */
  static final Duration KEEP_MINUTE = Duration.ofHours(2);

  private final ConversionKeys keys;
  private final ClickHouseClient clickhouse;
  private final Clock clock;

  private boolean installed;

  ConversionFlusher(RedisClusterAsyncCommands<String, String> redis, ConversionKeys keys, ClickHouseClient clickhouse,
      Clock clock, Duration interval) {
    super(redis, ConversionKeys.FLUSH_LEASE, "conversions", interval);
    this.keys = Objects.requireNonNull(keys, "keys");
    this.clickhouse = Objects.requireNonNull(clickhouse, "clickhouse");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  protected Future<Void> install() {
    if (installed) {
      return Future.succeededFuture();
    }
    return clickhouse.layout().compose(layout -> {
      Future<Void> chain = Future.succeededFuture();
      for (String sql : ConversionSchema.create(layout, clickhouse.database())) {
        chain = chain.compose(v -> clickhouse.execute(sql));
      }
      return chain.onSuccess(v -> installed = true);
    });
  }

  private record Minute(int shard, long epochSecond, String version, List<JsonObject> rows) {
  }

  /** Read, insert, acknowledge; answers the rows inserted. */
  @Override
  protected Future<Integer> flushOnce() {
    List<Future<List<Minute>>> shards = new ArrayList<>();
    for (int shard = 0; shard < keys.shards(); shard++) {
      shards.add(readShard(shard));
    }
    return Future.all(shards).compose(done -> {
      List<Minute> minutes = new ArrayList<>();
      shards.forEach(f -> minutes.addAll(f.result()));
      if (minutes.isEmpty()) {
        return Future.succeededFuture(0);
      }
      List<JsonObject> rows = new ArrayList<>();
      minutes.forEach(m -> rows.addAll(m.rows()));
      Future<Void> insert = rows.isEmpty() ? Future.succeededFuture()
          : clickhouse.insertJsonEachRow(ConversionSchema.TABLE, rows);
      return insert.compose(v -> ack(minutes)).map(v -> rows.size());
    });
  }

  private Future<List<Minute>> readShard(int shard) {
    return Future.fromCompletionStage(redis.zrange(keys.dirtyMinutes(shard), 0, MAX_MINUTES - 1), context)
        .compose(members -> {
          List<Future<Map<String, String>>> hashes = new ArrayList<>();
          for (String minute : members) {
            hashes.add(Future.fromCompletionStage(redis.hgetall(keys.minute(shard, Long.parseLong(minute))), context));
          }
          return Future.all(hashes).map(done -> {
            List<Minute> minutes = new ArrayList<>();
            for (int i = 0; i < members.size(); i++) {
              minutes.add(minute(shard, Long.parseLong(members.get(i)), hashes.get(i).result()));
            }
            return minutes;
          });
        });
  }

  private Future<Void> ack(List<Minute> minutes) {
    long deleteBefore = clock.millis() / 1000 - KEEP_MINUTE.toSeconds();
    List<Future<Long>> acks = new ArrayList<>();
    for (int shard = 0; shard < keys.shards(); shard++) {
      List<String> k = new ArrayList<>();
      List<String> a = new ArrayList<>();
      k.add(keys.dirtyMinutes(shard));
      a.add(Long.toString(deleteBefore));
      for (Minute m : minutes) {
        if (m.shard() == shard) {
          k.add(keys.minute(shard, m.epochSecond()));
          a.add(Long.toString(m.epochSecond()));
          a.add(m.version());
        }
      }
      if (k.size() > 1) {
        acks.add(ACK_MINUTES.run(redis, ScriptOutputType.INTEGER, k.toArray(String[]::new), a.toArray(String[]::new),
            context));
      }
    }
    return Future.all(acks).mapEmpty();
  }

  /** Fields "&lt;article&gt;\t&lt;kind&gt;\t&lt;name&gt;" of a minute hash as rows (articles may hold tabs: never, ids do not). */
  private static Minute minute(int shard, long epochSecond, Map<String, String> hash) {
    String version = hash.getOrDefault("__v", "0");
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
    return new Minute(shard, epochSecond, version, rows);
  }
}
