package news.engagement.query;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import news.engagement.counting.Keys;
import news.engagement.query.Cover.Unit;
import news.engagement.redis.LuaScript;

/**
 * Sums of closed buckets per shard, kept in Redis ({@code window-sum.lua}: built once by whichever
 * instance asks first) and in memory: each shard's highest {@link #TOP} members, plus the sums of
 * any other member looked up since (absent ones as 0). Closed buckets never change, so neither does a
 * sum: memory is asked first, Redis only for members not seen yet.
 */
final class WindowSums {
  /** Highest members of each shard's sum read when it is loaded. */
  static final int TOP = 1000;
  private static final int LOOKUP_CHUNK = 500;
  private static final LuaScript SCRIPT = LuaScript.load("/news/engagement/query/window-sum.lua");

  private final RedisClusterAsyncCommands<String, String> redis;
  private final Keys keys;

  WindowSums(RedisClusterAsyncCommands<String, String> redis, Keys keys) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  /** One shard's sum of {@code units} of a metric, stored at {@code key}. */
  static final class Sum {
    final String[] scriptKeys;
    final String ttlMillis;
    /** Known sums: the highest members, then whatever was looked up. */
    final Map<String, Long> scores = new HashMap<>();

    private Sum(String[] scriptKeys, Duration ttl) {
      this.scriptKeys = scriptKeys;
      this.ttlMillis = Long.toString(ttl.toMillis());
    }
  }

  /** Per shard, the sum of the units' sets of {@code metric}, named {@code Keys.closedWindow(shard, metric, name, at)}. */
  Future<List<Sum>> load(String metric, String name, long at, List<Unit> units, Duration ttl, int top,
      Context context) {
    List<Future<Sum>> shards = new ArrayList<>(keys.shards());
    for (int shard = 0; shard < keys.shards(); shard++) {
      List<String> scriptKeys = new ArrayList<>(units.size() + 1);
      scriptKeys.add(keys.closedWindow(shard, metric, name, at));
      for (Unit unit : units) {
        scriptKeys.add(keys.top(shard, metric, unit.size(), unit.start()));
      }
      Sum sum = new Sum(scriptKeys.toArray(String[]::new), ttl);
      String[] args = {sum.ttlMillis, Integer.toString(top)};
      shards.add(SCRIPT.<List<Object>>run(redis, ScriptOutputType.MULTI, sum.scriptKeys, args, context).map(reply -> {
        List<Object> pairs = ScriptReply.of(reply).list("top");
        for (int i = 0; i + 1 < pairs.size(); i += 2) {
          sum.scores.put((String) pairs.get(i), ScriptReply.score(pairs.get(i + 1)));
        }
        return sum;
      }));
    }
    return Future.all(shards).map(done -> shards.stream().map(Future::result).toList());
  }

  /** Makes sure every article's sum is known, asking each shard about the unknown ones in one call. */
  Future<Void> lookUp(List<Sum> perShard, Collection<String> articles, Context context) {
    List<List<String>> unknown = new ArrayList<>(perShard.size());
    perShard.forEach(s -> unknown.add(new ArrayList<>()));
    for (String article : articles) {
      int shard = keys.shardOf(article);
      if (!perShard.get(shard).scores.containsKey(article)) {
        unknown.get(shard).add(article);
      }
    }
    List<Future<Void>> calls = new ArrayList<>();
    for (int shard = 0; shard < perShard.size(); shard++) {
      List<String> members = unknown.get(shard);
      for (int from = 0; from < members.size(); from += LOOKUP_CHUNK) {
        calls.add(lookUp(perShard.get(shard), members.subList(from, Math.min(members.size(), from + LOOKUP_CHUNK)),
            context));
      }
    }
    return Future.all(calls).mapEmpty();
  }

  private Future<Void> lookUp(Sum sum, List<String> members, Context context) {
    List<String> args = new ArrayList<>(members.size() + 2);
    args.add(sum.ttlMillis);
    args.add("0");
    args.addAll(members);
    return SCRIPT.<List<Object>>run(redis, ScriptOutputType.MULTI, sum.scriptKeys, args.toArray(String[]::new), context)
        .map(reply -> {
          List<Object> scores = ScriptReply.of(reply).list("scores");
          for (int i = 0; i < members.size(); i++) {
            sum.scores.put(members.get(i), ScriptReply.score(scores.get(i)));
          }
          return null;
        });
  }
}
