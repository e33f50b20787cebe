package news.engagement.query;

import io.lettuce.core.Range;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import news.engagement.counting.Keys;
import news.engagement.counting.Keys.BucketSize;
import news.engagement.query.Cover.Unit;
import news.engagement.redis.LuaScript;

/**
 * Hour and day top sets (and the articles' hour and day visitor HyperLogLogs) rolled up from finer
 * buckets, once per bucket once it is closed plus {@link #GRACE}. A roll is absolute, so when two
 * instances race they only repeat work; a bucket counts as rolled once its marker is in
 * {@code Keys.rolled(shard)}, set after its sets and HyperLogLogs are written. Only what the callers
 * ask for is rolled (the buckets their windows read, and the hours of a day not rolled yet), which
 * bounds the catch-up after a pause to the windows' reach: 30 days and their hours.
 */
final class Rollups {
  /** A closed 5-minute bucket may still get a batch sent just before its end for this long. */
  static final Duration GRACE = Duration.ofSeconds(10);
  /** The metrics with top sets, views first (its members are the articles whose HLLs roll up). */
  static final List<String> METRICS = List.of(Metric.VIEWS.code(), Metric.LIKES.code(), Metric.SHARES.code());
  private static final int MERGE_CHUNK = 64;
  /** Buckets rolled per script call: 24 hours are 936 keys, 24 days 1 800. */
  private static final int ROLL_CHUNK = 24;
  private static final LuaScript ROLLUP = LuaScript.load("/news/engagement/query/rollup.lua");
  private static final LuaScript MERGE = LuaScript.load("/news/engagement/query/merge-uniques.lua");

  private final RedisClusterAsyncCommands<String, String> redis;
  private final Keys keys;
  /** Per shard, the markers seen set (marker to bucket start), so steady state asks Redis little. */
  private final List<Map<String, Long>> known = new ArrayList<>();

  Rollups(RedisClusterAsyncCommands<String, String> redis, Keys keys) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    for (int i = 0; i < keys.shards(); i++) {
      known.add(new HashMap<>());
    }
  }

  /** Rolls, on every shard, each hour and day among {@code units} not rolled yet; 5-minute units are skipped. */
  Future<Void> ensure(Collection<Unit> units, long now, Context context) {
    List<Unit> wanted = units.stream().filter(u -> u.size() != BucketSize.FIVE_MINUTES).distinct().toList();
    for (Unit unit : wanted) {
      if (unit.end() + GRACE.toSeconds() > now) {
        throw new IllegalArgumentException("bucket not closed yet: " + unit);
      }
    }
    List<Future<Void>> shards = new ArrayList<>(keys.shards());
    for (int shard = 0; shard < keys.shards(); shard++) {
      shards.add(ensure(shard, wanted, now, context));
    }
    return Future.all(shards).mapEmpty();
  }

  private Future<Void> ensure(int shard, List<Unit> wanted, long now, Context context) {
    forget(shard, now);
    return trim(shard, now, context).compose(v -> missing(shard, wanted, context).compose(missing -> {
      List<Unit> days = missing.stream().filter(u -> u.size() == BucketSize.DAY).toList();
      Set<Unit> hours = new LinkedHashSet<>(missing);
      hours.removeAll(days);
      List<Unit> dayParts = days.stream().flatMap(day -> Cover.parts(day).stream()).toList();
      return missing(shard, dayParts, context).compose(parts -> {
        hours.addAll(parts);
        return rollAll(shard, hours, context);
      }).compose(rolled -> rollAll(shard, days, context));
    }));
  }

  /** The units whose marker is not set on the shard: one ZMSCORE for those not known here. */
  private Future<List<Unit>> missing(int shard, List<Unit> units, Context context) {
    List<Unit> unknown = units.stream().filter(u -> !known.get(shard).containsKey(u.marker())).toList();
    if (unknown.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    String[] markers = unknown.stream().map(Unit::marker).toArray(String[]::new);
    return Future.fromCompletionStage(redis.zmscore(keys.rolled(shard), markers), context).map(scores -> {
      List<Unit> missing = new ArrayList<>();
      for (int i = 0; i < unknown.size(); i++) {
        if (scores.get(i) == null) {
          missing.add(unknown.get(i));
        } else {
          known.get(shard).put(unknown.get(i).marker(), unknown.get(i).start());
        }
      }
      return missing;
    });
  }

  /** Rolls the units (all of one size) in calls of up to {@link #ROLL_CHUNK}, then marks them in one ZADD. */
  private Future<Void> rollAll(int shard, Collection<Unit> units, Context context) {
    if (units.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Unit> list = List.copyOf(units);
    List<Future<Void>> calls = new ArrayList<>();
    for (int from = 0; from < list.size(); from += ROLL_CHUNK) {
      calls.add(roll(shard, list.subList(from, Math.min(list.size(), from + ROLL_CHUNK)), context));
    }
    return Future.all(calls).compose(v -> mark(shard, list, context));
  }

  /** Rolls one bucket on one shard (again, if it was): its sets, its articles' HLLs, its marker. */
  Future<Void> roll(int shard, Unit unit, Context context) {
    return rollAll(shard, List.of(unit), context);
  }

  /** Rolls same-size buckets of one shard: their top sets in one call, then their articles' HLLs. */
  private Future<Void> roll(int shard, List<Unit> units, Context context) {
    BucketSize size = units.get(0).size();
    int sources = Cover.parts(units.get(0)).size();
    List<String> keyList = new ArrayList<>(units.size() * METRICS.size() * (sources + 1));
    for (Unit unit : units) {
      if (unit.size() != size) {
        throw new IllegalArgumentException("one size per call: " + units);
      }
      List<Unit> parts = Cover.parts(unit);
      for (String metric : METRICS) {
        keyList.add(keys.top(shard, metric, unit.size(), unit.start()));
        parts.forEach(p -> keyList.add(keys.top(shard, metric, p.size(), p.start())));
      }
    }
    String[] args = {Integer.toString(sources), Long.toString(size.retention().toMillis()),
        Integer.toString(METRICS.size())};
    return ROLLUP.<List<Object>>run(redis, ScriptOutputType.MULTI, keyList.toArray(String[]::new), args, context)
        .compose(reply -> {
          List<Object> articles = ScriptReply.of(reply).list("articles");
          List<Future<Void>> merges = new ArrayList<>(units.size());
          for (int i = 0; i < units.size(); i++) {
            merges.add(mergeUniques(shard, units.get(i), Cover.parts(units.get(i)), (List<?>) articles.get(i), context));
          }
          return Future.all(merges).mapEmpty();
        });
  }

  private Future<Void> mergeUniques(int shard, Unit unit, List<Unit> parts, List<?> articles, Context context) {
    List<Future<Object>> chunks = new ArrayList<>();
    List<String> chunk = new ArrayList<>();
    String[] args = {Integer.toString(parts.size()), Long.toString(unit.size().retention().toMillis())};
    for (int i = 0; i < articles.size(); i++) {
      String article = (String) articles.get(i);
      // A member of this shard's set is an article of this shard; anything else would cross slots.
      if (keys.shardOf(article) == shard) {
        chunk.add(keys.bucketUniques(article, unit.size(), unit.start()));
        parts.forEach(p -> chunk.add(keys.bucketUniques(article, p.size(), p.start())));
      }
      if (chunk.size() >= MERGE_CHUNK * (parts.size() + 1) || (i == articles.size() - 1 && !chunk.isEmpty())) {
        chunks.add(MERGE.run(redis, ScriptOutputType.MULTI, chunk.toArray(String[]::new), args, context));
        chunk.clear();
      }
    }
    return Future.all(chunks).mapEmpty();
  }

  private Future<Void> mark(int shard, List<Unit> units, Context context) {
    List<ScoredValue<String>> markers = units.stream().map(u -> ScoredValue.just((double) u.start(), u.marker())).toList();
    @SuppressWarnings("unchecked")
    ScoredValue<String>[] values = markers.toArray(ScoredValue[]::new);
    return Future.fromCompletionStage(redis.zadd(keys.rolled(shard), values), context).map(added -> {
      units.forEach(u -> known.get(shard).put(u.marker(), u.start()));
      return null;
    });
  }

  /** Markers are kept as long as day sets: older ones are dropped, and the set expires if nobody rolls. */
  private Future<Void> trim(int shard, long now, Context context) {
    String rolled = keys.rolled(shard);
    long keep = BucketSize.DAY.retention().toSeconds();
    Future<Long> trim = Future.fromCompletionStage(
        redis.zremrangebyscore(rolled, Range.create(Double.NEGATIVE_INFINITY, (double) (now - keep))), context);
    Future<Boolean> expire = Future.fromCompletionStage(redis.expire(rolled, keep), context);
    return Future.all(trim, expire).mapEmpty();
  }

  /** Drops local knowledge of markers Redis trims, so memory stays bounded. */
  private void forget(int shard, long now) {
    long oldest = now - BucketSize.DAY.retention().toSeconds();
    known.get(shard).values().removeIf(start -> start < oldest);
  }
}
