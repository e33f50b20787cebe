package news.engagement.history;

import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import news.engagement.counting.Keys;
import news.engagement.redis.LuaScript;

/**
 * The three steps of one flush, each safe to repeat: {@link #read} the dirty minutes from Redis,
 * {@link #insert} their absolute totals into ClickHouse with the minute's version, then {@link #ack}
 * in Redis the minutes that did not change meanwhile. A crash or failure between any two steps leaves
 * the minutes dirty, and the next flush writes the same (or newer) rows again, which ReplacingMergeTree
 * collapses: nothing is counted twice, nothing leaves Redis before ClickHouse has it.
 */
final class FlushCycle {
  /** Minutes per flush: a backlog after an outage is caught up in steps of this size. */
  static final int MAX_MINUTES = 120;
  /** A clean minute's hash stays in Redis this long after its minute, for late batches (see docs/history.md). */
  static final Duration KEEP_MINUTE_HASH = Duration.ofMinutes(15);
  private static final String[] COLUMNS = {"views", "likes", "shares", "previews"};
  private static final Set<String> COLUMN_SET = Set.of(COLUMNS);
  // LOCAL STUB on issue-9-top only (shard 0), so the branch compiles; the lead's rewrite replaces it.
  private static final Keys LOCAL_KEYS = new Keys(1);
  private static final LuaScript ACK = LuaScript.load("/news/engagement/history/ack-flush.lua");

  private final RedisAsyncCommands<String, String> redis;
  private final ClickHouseClient clickhouse;
  private final Clock clock;
  private final Context context;

  FlushCycle(RedisAsyncCommands<String, String> redis, ClickHouseClient clickhouse, Clock clock, Context context) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.clickhouse = Objects.requireNonNull(clickhouse, "clickhouse");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.context = Objects.requireNonNull(context, "context");
  }

  /** One minute as read: its change counter and its rows. */
  record Minute(long epochSecond, String version, List<JsonObject> rows) {
  }

  /**
   * What one flush takes.
   *
   * @param readAt epoch seconds just before the read: every change applied earlier is in this snapshot
   * @param complete whether every dirty minute was taken (not cut at {@link #MAX_MINUTES})
   */
  record Snapshot(List<Minute> minutes, long readAt, boolean complete) {
    List<JsonObject> rows() {
      List<JsonObject> all = new ArrayList<>();
      minutes.forEach(m -> all.addAll(m.rows()));
      return all;
    }

    boolean isEmpty() {
      return minutes.isEmpty();
    }
  }

  /** Reads the oldest dirty minutes; each HGETALL is atomic with the batch script, so rows match {@code __v}. */
  Future<Snapshot> read() {
    long readAt = clock.millis() / 1000;
    return Future.fromCompletionStage(redis.zrange(LOCAL_KEYS.dirtyMinutes(0), 0, MAX_MINUTES), context)
        .compose(members -> {
          boolean complete = members.size() <= MAX_MINUTES;
          List<String> taken = complete ? members : members.subList(0, MAX_MINUTES);
          List<Future<Map<String, String>>> hashes = new ArrayList<>(taken.size());
          for (String minute : taken) {
            hashes.add(Future.fromCompletionStage(redis.hgetall(LOCAL_KEYS.minute(0, Long.parseLong(minute))), context));
          }
          return Future.all(hashes).map(done -> {
            List<Minute> minutes = new ArrayList<>(taken.size());
            for (int i = 0; i < taken.size(); i++) {
              minutes.add(minute(Long.parseLong(taken.get(i)), hashes.get(i).result()));
            }
            return new Snapshot(minutes, readAt, complete);
          });
        });
  }

  /** One INSERT of every row of the snapshot; absolute values, so repeating it changes nothing. */
  Future<Integer> insert(Snapshot snapshot) {
    List<JsonObject> rows = snapshot.rows();
    return clickhouse.insertJsonEachRow(Schema.MINUTES_TABLE, rows).map(v -> rows.size());
  }

  /** Marks clean the minutes still at their flushed version; answers how many. Call only after {@link #insert}. */
  Future<Long> ack(Snapshot snapshot) {
    if (snapshot.isEmpty()) {
      return Future.succeededFuture(0L);
    }
    List<String> keys = new ArrayList<>();
    List<String> args = new ArrayList<>();
    keys.add(LOCAL_KEYS.dirtyMinutes(0));
    keys.add(LOCAL_KEYS.flushedUntil(0));
    long deleteBefore = clock.millis() / 1000 - KEEP_MINUTE_HASH.toSeconds();
    args.add(Long.toString(deleteBefore));
    args.add(snapshot.complete() ? Long.toString(snapshot.readAt()) : "");
    for (Minute minute : snapshot.minutes()) {
      keys.add(LOCAL_KEYS.minute(0, minute.epochSecond()));
      args.add(Long.toString(minute.epochSecond()));
      args.add(minute.version());
    }
    return ACK.run(redis, ScriptOutputType.INTEGER, keys.toArray(String[]::new), args.toArray(String[]::new), context);
  }

  /** Seconds since the oldest change not yet in ClickHouse; 0 when every minute is clean. */
  Future<Long> lagSeconds() {
    Future<List<ScoredValue<String>>> oldest =
        Future.fromCompletionStage(redis.zrangeWithScores(LOCAL_KEYS.dirtyMinutes(0), 0, 0), context);
    Future<String> flushedUntil = Future.fromCompletionStage(redis.get(LOCAL_KEYS.flushedUntil(0)), context);
    return Future.all(oldest, flushedUntil).map(done -> {
      if (oldest.result().isEmpty()) {
        return 0L;
      }
      long since = (long) oldest.result().get(0).getScore();
      if (flushedUntil.result() != null) {
        since = Math.max(since, Long.parseLong(flushedUntil.result()));
      }
      return Math.max(0L, clock.millis() / 1000 - since);
    });
  }

  private static Minute minute(long epochSecond, Map<String, String> hash) {
    String version = hash.getOrDefault(Keys.MINUTE_VERSION_FIELD, "0");
    Map<String, JsonObject> byArticle = new LinkedHashMap<>();
    for (Map.Entry<String, String> field : hash.entrySet()) {
      int tab = field.getKey().lastIndexOf('\t');
      if (tab <= 0) {
        continue; // __v
      }
      String article = field.getKey().substring(0, tab);
      String column = field.getKey().substring(tab + 1);
      if (!COLUMN_SET.contains(column)) {
        continue;
      }
      byArticle.computeIfAbsent(article, a -> row(a, epochSecond, version))
          .put(column, Long.parseLong(field.getValue()));
    }
    return new Minute(epochSecond, version, List.copyOf(byArticle.values()));
  }

  private static JsonObject row(String article, long minute, String version) {
    JsonObject row = new JsonObject().put("article_id", article).put("minute", minute);
    for (String column : COLUMNS) {
      row.put(column, 0L);
    }
    return row.put("version", Long.parseLong(version));
  }
}
