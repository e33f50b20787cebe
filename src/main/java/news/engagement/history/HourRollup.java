package news.engagement.history;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import news.engagement.counting.Keys;
import news.engagement.redis.LuaScript;

/**
 * One round of the roll-up of article rows into hours and days (docs/history.md, "Top articles: hours and
 * days"), each step safe to repeat and to run on two instances at once:
 *
 * <ol>
 *   <li>announce each hour that can no longer change in Redis (its last minute retired: {@link #SETTLE}
 *       after its end) and whose every change is in ClickHouse (the flush lag): the watermark moves past
 *       it and it is marked, in one script ({@code rollup-advance.lua});</li>
 *   <li>roll every marked hour: read the mark's sequence, sum the hour's rows through FINAL into the hours
 *       table ({@link RollupSchema#rollHour}), record it as rolled, clear the mark only if its sequence is
 *       unchanged ({@code rollup-done.lua}); before that, mark its day if the day is rolled already;</li>
 *   <li>the same for days, from the hours table, once all their hours are announced;</li>
 *   <li>drop the minute-ordered copy's days older than {@link #COPY_DAYS} before today once all their
 *       hours are announced; an hour of theirs marked later is rolled from the rows table.</li>
 * </ol>
 *
 * <p>The flusher marks every rolled hour it inserted rows into, after ClickHouse acknowledged them
 * ({@link HourMarks}, from {@link FlushCycle#insert}): a late generation or a catch-up after a ClickHouse
 * outage is rolled again. A mark set before the roll-up reads is covered by that read; one set after it has
 * a newer sequence and survives the clear. Each row's version is the sum of the summed rows' versions,
 * which grows with every change of them, so a stale roll (a slow instance) never replaces a newer one.
 */
final class HourRollup {
  /** An hour is announced this long after its end: its last minute's hash retired, plus a minute. */
  static final Duration SETTLE = FlushCycle.KEEP_MINUTE_HASH.plusMinutes(1);
  /** Periods of each kind announced, and marked ones rolled, per round at the most. */
  static final int PER_ROUND = 24;
  /** Whole days the minute-ordered copy keeps before today's (older ones are dropped once rolled). */
  static final int COPY_DAYS = 2;
  /** An hour rolled from the rows table (its day gone from the copy) reads much more: a longer timeout. */
  static final Duration ROWS_TABLE_TIMEOUT = Duration.ofMinutes(2);
  private static final LuaScript ADVANCE = LuaScript.load("/news/engagement/history/rollup-advance.lua");
  private static final LuaScript DONE = LuaScript.load("/news/engagement/history/rollup-done.lua");

  /** What a round did: periods announced and periods (re-)rolled, per kind. */
  record Result(int hoursAnnounced, int hoursRolled, int daysAnnounced, int daysRolled) {
  }

  private final RedisClusterAsyncCommands<String, String> redis;
  private final ClickHouseClient clickhouse;
  private final Clock clock;
  private final Context context;
  private final FlushCycle lag;

  HourRollup(RedisClusterAsyncCommands<String, String> redis, Keys keys, ClickHouseClient clickhouse, Clock clock,
      Context context) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.clickhouse = Objects.requireNonNull(clickhouse, "clickhouse");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.context = Objects.requireNonNull(context, "context");
    // Only for the lag: the time before which every counted change is in ClickHouse.
    this.lag = new FlushCycle(redis, keys, clickhouse, clock, context);
  }

  /** One round: announce, roll marked hours, announce days, roll marked days. */
  Future<Result> round() {
    long now = clock.millis() / 1000;
    return lag.lagSeconds().compose(lagSeconds -> {
      long flushedThrough = now - lagSeconds;
      long settled = now - SETTLE.toSeconds();
      long limit = Math.min(settled, flushedThrough);
      return advance(RollupKeys.HOURS, RollupKeys.HOURS.startOf(now) + RollupSchema.HOUR, limit, 0);
    }).compose(hoursAnnounced -> rollMarked(RollupKeys.HOURS).compose(hoursRolled ->
        get(RollupKeys.HOURS.next()).compose(hoursNext -> get(RollupKeys.HOURS.first()).compose(hoursFirst -> {
          if (hoursFirst == null || hoursNext == null) {
            return Future.succeededFuture(0);
          }
          // The first whole day at or after the first hour; a day is announced once all its hours are.
          long firstDay = RollupKeys.DAYS.startOf(hoursFirst + RollupSchema.DAY - 1);
          return advance(RollupKeys.DAYS, firstDay, hoursNext, 0);
        })).compose(daysAnnounced -> rollMarked(RollupKeys.DAYS).compose(daysRolled -> prune(now).map(dropped ->
            new Result(hoursAnnounced, hoursRolled, daysAnnounced, daysRolled))))));
  }

  /**
   * Drops the copy's days older than {@link #COPY_DAYS} before today whose hours are all announced,
   * after moving {@link RollupKeys#COPY_FROM} past them (so an hour of theirs marked later is read from
   * the rows table instead). Answers the days dropped.
   */
  private Future<Integer> prune(long now) {
    return get(RollupKeys.HOURS.next()).compose(hoursNext -> {
      if (hoursNext == null) {
        return Future.succeededFuture(0);
      }
      long cutoff = Math.min(RollupKeys.DAYS.startOf(now) - COPY_DAYS * RollupSchema.DAY,
          RollupKeys.DAYS.startOf(hoursNext));
      return clickhouse.queryTabSeparated(RollupSchema.recentDaysBefore(clickhouse.database(), cutoff))
          .compose(days -> {
            if (days.isEmpty()) {
              return Future.succeededFuture(0);
            }
            return get(RollupKeys.COPY_FROM)
                .compose(from -> from != null && from >= cutoff ? Future.succeededFuture()
                    : Future.fromCompletionStage(redis.set(RollupKeys.COPY_FROM, Long.toString(cutoff)), context))
                .compose(v -> clickhouse.layout())
                .compose(layout -> {
                  Future<Void> chain = Future.succeededFuture();
                  for (String[] day : days) {
                    chain = chain.compose(x -> clickhouse.execute(
                        layout.dropPartition(clickhouse.database(), RollupSchema.RECENT_TABLE, day[0])));
                  }
                  return chain.map(x -> days.size());
                });
          });
    });
  }

  /** Announces periods while they end at or before {@code endsBy}; starts the roll-up at {@code start} if new. */
  private Future<Integer> advance(RollupKeys.Period period, long start, long endsBy, int done) {
    return get(period.next()).compose(next -> {
      if (next != null && (next + period.seconds() > endsBy || done >= PER_ROUND)) {
        return Future.succeededFuture(done);
      }
      Future<Long> advanced = ADVANCE.run(redis, ScriptOutputType.INTEGER, period.scriptKeys(),
          new String[] {next == null ? "" : Long.toString(next), Long.toString(period.seconds()), Long.toString(start)},
          context);
      if (next == null && period.equals(RollupKeys.HOURS)) {
        // The copy holds every row from the roll-up's start on (its view existed before): an earlier hour
        // (added by hand, see docs/history.md) is rolled from the rows table.
        advanced = advanced.compose(after -> Future.fromCompletionStage(
            redis.setnx(RollupKeys.COPY_FROM, Long.toString(start)), context).map(after));
      }
      return advanced.compose(after -> advance(period, start, endsBy, next == null ? done : done + 1));
    });
  }

  /** Rolls the marked periods, oldest first, at most {@link #PER_ROUND}; answers how many. */
  private Future<Integer> rollMarked(RollupKeys.Period period) {
    return Future.fromCompletionStage(redis.hgetall(period.marks()), context).compose(marks -> {
      TreeMap<Long, String> oldestFirst = new TreeMap<>();
      marks.forEach((start, sequence) -> oldestFirst.put(Long.parseLong(start), sequence));
      Future<Integer> chain = Future.succeededFuture(0);
      int n = 0;
      for (Map.Entry<Long, String> mark : oldestFirst.entrySet()) {
        if (n++ >= PER_ROUND) {
          break;
        }
        chain = chain.compose(rolled -> roll(period, mark.getKey(), mark.getValue()).map(v -> rolled + 1));
      }
      return chain;
    });
  }

  /** Rolls one period read after its mark {@code sequence} was seen; clears the mark unless set again. */
  private Future<Void> roll(RollupKeys.Period period, long start, String sequence) {
    String database = clickhouse.database();
    boolean hour = period.equals(RollupKeys.HOURS);
    Future<Void> written = !hour ? clickhouse.insertSelect(RollupSchema.rollDay(database, start))
        : get(RollupKeys.COPY_FROM).compose(copyFrom -> copyFrom != null && start < copyFrom
            ? clickhouse.insertSelect(RollupSchema.rollHour(database, start, Schema.ROWS_TABLE), ROWS_TABLE_TIMEOUT)
            : clickhouse.insertSelect(RollupSchema.rollHour(database, start)));
    return written
        .compose(v -> clickhouse.insertSelect(RollupSchema.rolled(database, period.name(), start, clock.millis())))
        // The hour's day, if rolled already, is rolled again from the hours now written (marked before the
        // hour's mark is cleared, so a crash in between rolls both again rather than neither).
        .compose(v -> hour ? HourMarks.mark(redis, RollupKeys.DAYS, List.of(start), context) : Future.succeededFuture())
        .compose(v -> DONE.run(redis, ScriptOutputType.INTEGER, new String[] {period.marks()},
            new String[] {Long.toString(start), sequence}, context))
        .mapEmpty();
  }

  private Future<Long> get(String key) {
    return Future.fromCompletionStage(redis.get(key), context).map(v -> v == null ? null : Long.parseLong(v));
  }
}
