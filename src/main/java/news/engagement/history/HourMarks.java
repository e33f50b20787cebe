package news.engagement.history;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.TreeSet;
import news.engagement.redis.LuaScript;

/**
 * Marks rolled periods for a re-roll after ClickHouse acknowledged rows into them: the flusher calls it
 * after each insert (before its Redis acknowledgement, so a crash in between repeats the insert and the
 * mark), the roll-up after each hour it wrote (for the hour's day). One script call per flush.
 */
final class HourMarks {
  private static final LuaScript MARK = LuaScript.load("/news/engagement/history/rollup-mark.lua");

  private HourMarks() {
  }

  /** Marks the periods of {@code epochSeconds} (any seconds inside them) that are already rolled. */
  static Future<Long> mark(RedisClusterAsyncCommands<String, String> redis, RollupKeys.Period period,
      Collection<Long> epochSeconds, Context context) {
    TreeSet<String> starts = new TreeSet<>();
    epochSeconds.forEach(s -> starts.add(Long.toString(period.startOf(s))));
    if (starts.isEmpty()) {
      return Future.succeededFuture(0L);
    }
    return MARK.run(redis, ScriptOutputType.INTEGER, period.scriptKeys(), starts.toArray(String[]::new), context);
  }
}
