package news.engagement.history;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import news.engagement.counting.Keys;
import news.engagement.redis.LuaScript;

/**
 * The three steps of one flush, each safe to repeat: {@link #read} the dirty minutes from Redis (oldest
 * first, over all shards, up to a bounded number of rows), {@link #insert} the rows changed since their
 * last flush, and each shard's totals of each minute read, into ClickHouse in bounded, streamed INSERTs, then {@link #ack} in Redis what ClickHouse now has. A
 * crash or failure between any two steps leaves the minutes dirty, and the next flush writes the same (or
 * newer) rows again, which ReplacingMergeTree collapses: nothing is counted twice, nothing leaves Redis
 * before ClickHouse has it. See docs/history.md for the argument.
 */
final class FlushCycle {
  /** A clean minute's full hash stays in Redis this long after its minute, then becomes a tombstone. */
  static final Duration KEEP_MINUTE_HASH = Duration.ofMinutes(15);
  /** How long a retired minute's tombstone lives: a batch later than this after its minute is not exact. */
  static final Duration TOMBSTONE = Duration.ofDays(1);
  /** Dirty minutes looked at per shard and flush (a longer backlog is taken over several flushes). */
  static final int MINUTES_PER_SHARD = 240;
  /** Minute hashes read in parallel; the read stops after the group that reaches the row limit. */
  private static final int READ_GROUP = 16;
  /** Clean minutes retired per shard and flush. */
  private static final int RETIRE_PER_SHARD = 500;
  private static final LuaScript ACK = LuaScript.load("/news/engagement/history/ack-flush.lua");

  /**
   * @param rowsPerFlush a flush stops taking minutes once it holds this many rows (it always takes at least one)
   * @param rowsPerInsert rows per INSERT body (about a second of ClickHouse 18.16's parsing at 50 000)
   * @param bytesPerInsert bytes per INSERT body (at least one row, whatever its size): a row is at most
   *     ~300 bytes (ids are at most 128 characters), ~160 for typical ids, so 50 000 typical rows are ~8 MB
   */
  record Limits(int rowsPerFlush, int rowsPerInsert, long bytesPerInsert) {
    static final long DEFAULT_BYTES_PER_INSERT = 8L << 20;
    static final Limits DEFAULT = new Limits(50_000, 50_000, DEFAULT_BYTES_PER_INSERT);

    Limits {
      if (rowsPerFlush < 1 || rowsPerInsert < 1 || bytesPerInsert < 1) {
        throw new IllegalArgumentException("limits must be positive: " + rowsPerFlush + ", " + rowsPerInsert + ", "
            + bytesPerInsert);
      }
    }

    Limits(int rowsPerFlush, int rowsPerInsert) {
      this(rowsPerFlush, rowsPerInsert, DEFAULT_BYTES_PER_INSERT);
    }
  }

  /** One INSERT body as sent: its table, rows and bytes (for the body-size meter and the tests). */
  record Body(String table, int rows, long bytes) {
  }

  private final RedisClusterAsyncCommands<String, String> redis;
  private final Keys keys;
  private final ClickHouseClient clickhouse;
  private final Clock clock;
  private final Context context;
  private final Limits limits;
  private final Consumer<Body> bodies;

  FlushCycle(RedisClusterAsyncCommands<String, String> redis, Keys keys, ClickHouseClient clickhouse, Clock clock,
      Context context) {
    this(redis, keys, clickhouse, clock, context, Limits.DEFAULT);
  }

  FlushCycle(RedisClusterAsyncCommands<String, String> redis, Keys keys, ClickHouseClient clickhouse, Clock clock,
      Context context, Limits limits) {
    this(redis, keys, clickhouse, clock, context, limits, body -> { });
  }

  /** @param bodies told of every INSERT body ClickHouse took, on {@code context} */
  FlushCycle(RedisClusterAsyncCommands<String, String> redis, Keys keys, ClickHouseClient clickhouse, Clock clock,
      Context context, Limits limits, Consumer<Body> bodies) {
    this.bodies = Objects.requireNonNull(bodies, "bodies");
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.clickhouse = Objects.requireNonNull(clickhouse, "clickhouse");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.context = Objects.requireNonNull(context, "context");
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /**
   * One dirty minute of one shard as read: its generation, its version, its rows (and source rows) not
   * yet in ClickHouse, and the shard's totals of it over all its articles ({@code site}; null for a
   * hash without a version or a tombstone).
   */
  record Minute(int shard, long epochSecond, long generation, long version, List<HistoryRow> rows,
      List<SourceRow> sourceRows, SiteRow site) {
    Minute(int shard, long epochSecond, long generation, long version, List<HistoryRow> rows) {
      this(shard, epochSecond, generation, version, rows, List.of(), null);
    }
  }

  /**
   * What one flush takes.
   *
   * @param retiring per shard, clean minutes old enough to become tombstones
   * @param readAt epoch seconds just before the read: every change applied earlier is in this snapshot
   *     for the shards in {@code completeShards}
   * @param retireBefore minutes before this (epoch seconds) are retired once clean
   * @param completeShards shards whose every dirty minute was taken
   */
  record Snapshot(List<Minute> minutes, Map<Integer, List<Long>> retiring, long readAt, long retireBefore,
      Set<Integer> completeShards, int shards) {
    List<HistoryRow> rows() {
      List<HistoryRow> all = new ArrayList<>();
      minutes.forEach(m -> all.addAll(m.rows()));
      return all;
    }

    List<SourceRow> sourceRows() {
      List<SourceRow> all = new ArrayList<>();
      minutes.forEach(m -> all.addAll(m.sourceRows()));
      return all;
    }

    List<SiteRow> siteRows() {
      return minutes.stream().map(Minute::site).filter(Objects::nonNull).toList();
    }

    int rowCount() {
      return minutes.stream().mapToInt(m -> m.rows().size()).sum();
    }

    /** Whether every dirty minute of every shard was taken. */
    boolean complete() {
      return completeShards.size() == shards;
    }

    boolean isEmpty() {
      return minutes.isEmpty() && retiring.isEmpty();
    }
  }

  /**
   * Reads the oldest dirty minutes over all shards until the rows reach {@link Limits#rowsPerFlush}; each
   * HGETALL is atomic with the batch script, so rows match the hash's version. Each article lives on one
   * shard, so the shards' rows of one minute never overlap.
   */
  Future<Snapshot> read() {
    long readAt = clock.millis() / 1000;
    long retireBefore = readAt - KEEP_MINUTE_HASH.toSeconds();
    List<Future<List<String>>> dirty = new ArrayList<>(keys.shards());
    List<Future<List<String>>> clean = new ArrayList<>(keys.shards());
    for (int shard = 0; shard < keys.shards(); shard++) {
      dirty.add(Future.fromCompletionStage(redis.zrange(keys.dirtyMinutes(shard), 0, MINUTES_PER_SHARD), context));
      clean.add(Future.fromCompletionStage(redis.zrangebyscore(keys.cleanMinutes(shard),
          Range.create(0L, retireBefore - 1), Limit.create(0, RETIRE_PER_SHARD)), context));
    }
    List<Future<?>> all = new ArrayList<>(dirty);
    all.addAll(clean);
    return Future.all(all).compose(done -> {
      List<long[]> candidates = new ArrayList<>();
      Map<Integer, Integer> leftPerShard = new HashMap<>();
      Set<Integer> truncated = new HashSet<>();
      Map<Integer, List<Long>> retiring = new HashMap<>();
      for (int shard = 0; shard < keys.shards(); shard++) {
        List<String> members = dirty.get(shard).result();
        if (members.size() > MINUTES_PER_SHARD) {
          truncated.add(shard);
          members = members.subList(0, MINUTES_PER_SHARD);
        }
        for (String minute : members) {
          candidates.add(new long[] {Long.parseLong(minute), shard});
        }
        leftPerShard.put(shard, members.size());
        if (!clean.get(shard).result().isEmpty()) {
          retiring.put(shard, clean.get(shard).result().stream().map(Long::parseLong).toList());
        }
      }
      candidates.sort(Comparator.<long[]>comparingLong(c -> c[0]).thenComparingLong(c -> c[1]));
      return take(candidates, 0, new ArrayList<>(), 0).map(minutes -> {
        minutes.forEach(m -> leftPerShard.merge(m.shard(), -1, Integer::sum));
        Set<Integer> complete = new HashSet<>();
        leftPerShard.forEach((shard, left) -> {
          if (left == 0 && !truncated.contains(shard)) {
            complete.add(shard);
          }
        });
        return new Snapshot(minutes, retiring, readAt, retireBefore, complete, keys.shards());
      });
    });
  }

  /** Reads candidates from {@code from} on, a group at a time, until the rows reach the flush's limit. */
  private Future<List<Minute>> take(List<long[]> candidates, int from, List<Minute> taken, int rows) {
    if (from >= candidates.size() || rows >= limits.rowsPerFlush()) {
      return Future.succeededFuture(taken);
    }
    List<long[]> group = candidates.subList(from, Math.min(candidates.size(), from + READ_GROUP));
    List<Future<Map<String, String>>> hashes = new ArrayList<>(group.size());
    for (long[] c : group) {
      hashes.add(Future.fromCompletionStage(redis.hgetall(keys.minute((int) c[1], c[0])), context));
    }
    return Future.all(hashes).compose(done -> {
      int total = rows;
      for (int i = 0; i < group.size() && (i == 0 || total < limits.rowsPerFlush()); i++) {
        int shard = (int) group.get(i)[1];
        Minute minute = MinuteHash.read(shard, keys.tag(shard), group.get(i)[0], hashes.get(i).result());
        taken.add(minute);
        total += minute.rows().size();
      }
      return taken.size() < from + group.size() ? Future.succeededFuture(taken)
          : take(candidates, from + group.size(), taken, total);
    });
  }

  /**
   * The snapshot's rows in bounded, streamed INSERTs, one after the other: article rows, then source
   * rows, then the shards' site totals, each table in bodies of at most {@link Limits#rowsPerInsert} rows
   * and {@link Limits#bytesPerInsert} bytes, encoded piece by piece on a worker ({@link JsonLinesBody}).
   * Absolute values with versions, so repeating any of them changes nothing. Then marks the rolled hours
   * the rows changed for a re-roll ({@link HourMarks}). Answers the article rows sent.
   */
  Future<Integer> insert(Snapshot snapshot) {
    List<HistoryRow> rows = snapshot.rows();
    List<SourceRow> sources = snapshot.sourceRows();
    List<SiteRow> site = snapshot.siteRows();
    // The minutes' views by traffic source and the shards' totals: before the acknowledgement like the rows.
    return stream(Schema.ROWS_TABLE, rows, 0, HistoryRow::appendJsonLine)
        .compose(v -> stream(SourcesSchema.ROWS_TABLE, sources, 0, SourceRow::appendJsonLine))
        .compose(v -> stream(Schema.SITE_TABLE, site, 0, SiteRow::appendJsonLine))
        // Hours already rolled up that these rows changed are rolled again (RollupKeys, HourRollup).
        .compose(v -> HourMarks.mark(redis, RollupKeys.HOURS, snapshot.minutes().stream()
            .filter(m -> !m.rows().isEmpty()).map(Minute::epochSecond).toList(), context))
        .map(v -> rows.size());
  }

  /** Sends {@code items} from {@code from} on in bodies within the limits, each after the previous one answered. */
  private <T> Future<Void> stream(String table, List<T> items, int from, BiConsumer<T, StringBuilder> encoder) {
    if (from >= items.size()) {
      return Future.succeededFuture();
    }
    JsonLinesBody<T> body = new JsonLinesBody<>(context, items, from, limits.rowsPerInsert(), limits.bytesPerInsert(),
        encoder);
    // Started on the flusher's context, so the HTTP request drives the body's stream there.
    Promise<Void> sent = Promise.promise();
    context.runOnContext(v -> clickhouse.insertJsonLines(table, body).onComplete(sent));
    return sent.future().compose(v -> {
      if (body.end() <= from) {
        return Future.failedFuture(new IllegalStateException("an INSERT into " + table + " answered before its body"));
      }
      bodies.accept(new Body(table, body.rows(), body.bytes()));
      return stream(table, items, body.end(), encoder);
    });
  }

  /**
   * Acknowledges what ClickHouse now has and retires old clean minutes, one script call per shard;
   * answers how many minutes became clean.
   */
  Future<Long> ack(Snapshot snapshot) {
    if (snapshot.isEmpty()) {
      return Future.succeededFuture(0L);
    }
    List<Future<List<Object>>> acks = new ArrayList<>();
    for (int shard = 0; shard < keys.shards(); shard++) {
      int s = shard;
      List<Minute> flushed = snapshot.minutes().stream().filter(m -> m.shard() == s).toList();
      List<Long> retiring = snapshot.retiring().getOrDefault(shard, List.of());
      boolean complete = snapshot.completeShards().contains(shard);
      if (flushed.isEmpty() && retiring.isEmpty() && !complete) {
        continue;
      }
      List<String> shardKeys = new ArrayList<>(List.of(keys.dirtyMinutes(shard), keys.flushedUntil(shard),
          keys.cleanMinutes(shard)));
      List<String> args = new ArrayList<>(List.of(Long.toString(snapshot.retireBefore()),
          complete ? Long.toString(snapshot.readAt()) : "", Long.toString(TOMBSTONE.toSeconds()),
          Integer.toString(flushed.size())));
      for (Minute minute : flushed) {
        shardKeys.add(keys.minute(shard, minute.epochSecond()));
        args.add(Long.toString(minute.epochSecond()));
        args.add(Long.toString(minute.generation()));
        args.add(Long.toString(minute.version()));
      }
      for (long minute : retiring) {
        shardKeys.add(keys.minute(shard, minute));
        args.add(Long.toString(minute));
      }
      acks.add(ACK.run(redis, ScriptOutputType.MULTI, shardKeys.toArray(String[]::new),
          args.toArray(String[]::new), context));
    }
    return Future.all(acks).map(done -> acks.stream().mapToLong(a -> (Long) a.result().get(0)).sum());
  }

  /** Seconds since the oldest change not yet in ClickHouse, over all shards; 0 when every minute is clean. */
  Future<Long> lagSeconds() {
    List<Future<Long>> shards = new ArrayList<>(keys.shards());
    for (int shard = 0; shard < keys.shards(); shard++) {
      shards.add(lagSince(shard));
    }
    return Future.all(shards).map(done -> {
      long now = clock.millis() / 1000;
      long lag = 0;
      for (Future<Long> since : shards) {
        if (since.result() != null) {
          lag = Math.max(lag, now - since.result());
        }
      }
      return lag;
    });
  }

  /** The time since which the shard has changes ClickHouse lacks, or null when it has none. */
  private Future<Long> lagSince(int shard) {
    Future<List<ScoredValue<String>>> oldest =
        Future.fromCompletionStage(redis.zrangeWithScores(keys.dirtyMinutes(shard), 0, 0), context);
    Future<String> flushedUntil = Future.fromCompletionStage(redis.get(keys.flushedUntil(shard)), context);
    return Future.all(oldest, flushedUntil).map(done -> {
      if (oldest.result().isEmpty()) {
        return null;
      }
      long since = (long) oldest.result().get(0).getScore();
      if (flushedUntil.result() != null) {
        since = Math.max(since, Long.parseLong(flushedUntil.result()));
      }
      return since;
    });
  }
}
