package news.engagement.history;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.IntFunction;
import news.engagement.redis.LuaScript;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop of a room's flusher of per-minute values from Redis to ClickHouse (presence's engaged time,
 * conversions): every interval, its schema once ClickHouse answers, then, while this instance holds the
 * room's Redis lease, one flush: read each shard's dirty minutes, insert their absolute values with the
 * minute's version into the room's table, then mark clean in Redis the minutes that did not change
 * meanwhile (history/ack-minutes.lua) and delete the hashes of clean minutes older than the room keeps
 * them. Each step is safe to repeat: nothing counted twice, nothing leaves Redis before ClickHouse has it.
 * A failure is logged once per distinct cause and retried next round; stopping waits for the round in
 * flight, flushes once more and releases the lease. Rounds never overlap (the timer is armed again when
 * a round ends). The room's keys ({@link RoomMinutes}), schema ({@link #install()}) and row layout
 * ({@link #minuteRows}) are the subclass's.
 */
public abstract class LeasedFlusher extends VerticleBase {
  private static final LuaScript LEASE = LuaScript.load("/news/engagement/redis/lease.lua");
  /** Dirty minutes of a shard read per flush at the most (the oldest first; the rest wait for the next). */
  static final int MAX_MINUTES = 120;
  /** Marks clean the flushed minutes that did not change meanwhile (history/ack-minutes.lua). */
  private static final LuaScript ACK_MINUTES = LuaScript.load("/news/engagement/history/ack-minutes.lua");

  private final Logger log = LoggerFactory.getLogger(getClass());
  private final RedisClusterAsyncCommands<String, String> redis;
  protected final ClickHouseClient clickhouse;
  private final Clock clock;
  private final RoomMinutes minutes;
  private final String leaseKey;
  private final String what;
  private final long intervalMillis;
  private final String owner = UUID.randomUUID().toString();
  private final String leaseTtl;

  private Rounds rounds;
  private String lastFailure;

  /**
   * Where a room keeps its minutes: per shard a sorted set of dirty minutes (members: the minutes' epoch
   * seconds) and a hash per minute (its field {@code __v}: the minute's version); the table that takes
   * them; how long a clean minute's hash stays after its minute.
   */
  protected record RoomMinutes(String table, int shards, IntFunction<String> dirtyKey, MinuteKey minuteKey,
      Duration keep) {
    public RoomMinutes {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(dirtyKey, "dirtyKey");
      Objects.requireNonNull(minuteKey, "minuteKey");
      Objects.requireNonNull(keep, "keep");
    }
  }

  /** The key of a shard's minute hash. */
  @FunctionalInterface
  protected interface MinuteKey {
    String of(int shard, long epochSecond);
  }

  /** @param what what is flushed, for the log ("engaged time", "conversions") */
  protected LeasedFlusher(RedisClusterAsyncCommands<String, String> redis, ClickHouseClient clickhouse, Clock clock,
      String leaseKey, String what, Duration interval, RoomMinutes minutes) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.clickhouse = Objects.requireNonNull(clickhouse, "clickhouse");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.minutes = Objects.requireNonNull(minutes, "minutes");
    this.leaseKey = Objects.requireNonNull(leaseKey, "leaseKey");
    this.what = Objects.requireNonNull(what, "what");
    this.intervalMillis = interval.toMillis();
    this.leaseTtl = Long.toString(Math.max(10_000, 5 * intervalMillis));
  }

  /** The tables, created once ClickHouse answers (called every round until it succeeds). */
  protected abstract Future<Void> install();

  /**
   * A minute hash's fields as rows of the room's table, each with the minute's {@code version} ({@code "0"}
   * when the hash has none).
   */
  protected abstract List<JsonObject> minuteRows(long epochSecond, String version, Map<String, String> hash);

  @Override
  public Future<?> start() {
    rounds = new Rounds(vertx, intervalMillis, this::tick);
    rounds.start();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    Future<Void> current = rounds.stop();
    return current.compose(v -> tick()).compose(v -> lease("release")).<Void>mapEmpty()
        .recover(err -> Future.succeededFuture());
  }

  /** A round run now on the flusher's own context (a repeat of a timer's round is harmless). */
  public Future<Void> tickOnItsContext() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> tick().onComplete(done));
    return done.future();
  }

  /** One round: schema if needed, then a flush if this instance holds the lease. Never fails. */
  protected Future<Void> tick() {
    return install()
        .compose(v -> lease("hold"))
        .compose(held -> held ? flushOnce().<Void>mapEmpty() : Future.<Void>succeededFuture())
        .onSuccess(v -> {
          if (lastFailure != null) {
            log.info("Flushing {} to ClickHouse works again", what);
            lastFailure = null;
          }
        })
        .recover(err -> {
          String reason = err.getClass().getSimpleName() + ": " + err.getMessage();
          if (!reason.equals(lastFailure)) {
            log.warn("Flushing {} to ClickHouse failed; the minutes stay in Redis: {}", what, reason);
            lastFailure = reason;
          }
          return Future.succeededFuture();
        });
  }

  private record Minute(int shard, long epochSecond, String version, List<JsonObject> rows) {
  }

  /** One flush, with the lease held: read, insert, acknowledge; answers the rows inserted. */
  private Future<Integer> flushOnce() {
    List<Future<List<Minute>>> read = new ArrayList<>();
    for (int shard = 0; shard < minutes.shards(); shard++) {
      read.add(readShard(shard));
    }
    return Future.all(read).compose(done -> {
      List<Minute> flushed = new ArrayList<>();
      read.forEach(f -> flushed.addAll(f.result()));
      if (flushed.isEmpty()) {
        return Future.succeededFuture(0);
      }
      List<JsonObject> rows = new ArrayList<>();
      flushed.forEach(m -> rows.addAll(m.rows()));
      return clickhouse.insertJsonEachRow(minutes.table(), rows)
          .compose(v -> ack(flushed))
          .map(v -> rows.size());
    });
  }

  private Future<List<Minute>> readShard(int shard) {
    return Future.fromCompletionStage(redis.zrange(minutes.dirtyKey().apply(shard), 0, MAX_MINUTES - 1), context)
        .compose(members -> {
          List<Future<Map<String, String>>> hashes = new ArrayList<>();
          for (String minute : members) {
            hashes.add(Future.fromCompletionStage(redis.hgetall(minutes.minuteKey().of(shard, Long.parseLong(minute))),
                context));
          }
          return Future.all(hashes).map(done -> {
            List<Minute> read = new ArrayList<>();
            for (int i = 0; i < members.size(); i++) {
              long epochSecond = Long.parseLong(members.get(i));
              Map<String, String> hash = hashes.get(i).result();
              String version = hash.getOrDefault("__v", "0");
              read.add(new Minute(shard, epochSecond, version, minuteRows(epochSecond, version, hash)));
            }
            return read;
          });
        });
  }

  private Future<Void> ack(List<Minute> flushed) {
    long deleteBefore = clock.millis() / 1000 - minutes.keep().toSeconds();
    List<Future<Long>> acks = new ArrayList<>();
    for (int shard = 0; shard < minutes.shards(); shard++) {
      List<String> k = new ArrayList<>();
      List<String> a = new ArrayList<>();
      k.add(minutes.dirtyKey().apply(shard));
      a.add(Long.toString(deleteBefore));
      for (Minute m : flushed) {
        if (m.shard() == shard) {
          k.add(minutes.minuteKey().of(shard, m.epochSecond()));
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

  private Future<Boolean> lease(String action) {
    return LEASE.<Long>run(redis, ScriptOutputType.INTEGER, new String[] {leaseKey},
        new String[] {owner, leaseTtl, action}, context).map(r -> r == 1L);
  }
}
