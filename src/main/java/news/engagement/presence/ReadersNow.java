package news.engagement.presence;

import io.lettuce.core.Range;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import news.engagement.counting.Keys;

/**
 * Reads of reading now and engaged time from Redis. Readers now of a set = its members seen in the last
 * {@link #WINDOW}, times 2^level when the set is sampled (see {@code write.lua}); the clock decides what
 * "now" is, so a reader who went silent leaves the count after 60 s without any write.
 */
public final class ReadersNow {
  /** Readers now are the visitors seen (view or ping) within this window. */
  public static final Duration WINDOW = Duration.ofSeconds(60);
  /** Engaged time shown beside readers now: the current minute and the four before it. */
  static final int ENGAGED_MINUTES = 5;

  private final RedisClusterAsyncCommands<String, String> redis;
  private final Keys keys;
  private final Clock clock;

  public ReadersNow(RedisClusterAsyncCommands<String, String> redis, Keys keys, Clock clock) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** One article's readers now. */
  public Future<Long> article(String article, Context context) {
    return estimate(keys.readers(article), keys.readersLevel(article), clock.millis(), context);
  }

  /** Distinct readers now on the whole site: each visitor lives in one shard's set, so the shards add up. */
  public Future<Long> site(Context context) {
    long now = clock.millis();
    List<Future<Long>> shards = new ArrayList<>();
    for (int shard = 0; shard < keys.shards(); shard++) {
      shards.add(estimate(keys.siteReaders(shard), keys.siteReadersLevel(shard), now, context));
    }
    return Future.all(shards).map(done -> shards.stream().mapToLong(Future::result).sum());
  }

  /** An article with its readers now and engaged seconds of the last five minutes. */
  public record Item(String article, long readers, long engagedSeconds) {
  }

  /**
   * The articles with most readers now, highest first, ties by article id. Candidates come from each
   * shard's ranking (readers as of each article's last write), then are recounted at this moment.
   */
  public Future<List<Item>> top(int limit, Context context) {
    long now = clock.millis();
    int candidates = limit * 2 + 10;
    List<Future<List<ScoredValue<String>>>> shards = new ArrayList<>();
    for (int shard = 0; shard < keys.shards(); shard++) {
      shards.add(Future.fromCompletionStage(redis.zrevrangeWithScores(keys.readersRanking(shard), 0, candidates - 1),
          context));
    }
    return Future.all(shards).compose(done -> {
      Set<String> articles = new LinkedHashSet<>();
      shards.forEach(f -> f.result().forEach(v -> articles.add(v.getValue())));
      List<String> ids = List.copyOf(articles);
      List<Future<Long>> counts = new ArrayList<>();
      for (String article : ids) {
        counts.add(estimate(keys.readers(article), keys.readersLevel(article), now, context));
      }
      return Future.all(counts).compose(c -> {
        List<Item> ranked = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
          if (counts.get(i).result() > 0) {
            ranked.add(new Item(ids.get(i), counts.get(i).result(), 0));
          }
        }
        ranked.sort(Comparator.comparingLong(Item::readers).reversed().thenComparing(Item::article));
        List<Item> top = ranked.subList(0, Math.min(limit, ranked.size()));
        return withEngaged(top, now, context);
      });
    });
  }

  /** Engaged seconds of one article in the minute that starts at {@code minuteEpochSecond}, and its visitors. */
  public Future<long[]> engagedMinute(String article, long minuteEpochSecond, Context context) {
    String key = keys.engagedMinute(keys.shardOf(article), minuteEpochSecond);
    return Future.fromCompletionStage(redis.hmget(key, article + "\ts", article + "\tv"), context)
        .map(values -> new long[] {
            values.get(0).hasValue() ? Long.parseLong(values.get(0).getValue()) : 0,
            values.get(1).hasValue() ? Long.parseLong(values.get(1).getValue()) : 0});
  }

  /** Read depth HyperLogLog counts of one article, in the order of {@link ReadDepth#PARTS}. */
  Future<List<Long>> depth(String article, Context context) {
    List<Future<Long>> counts = new ArrayList<>();
    for (String part : ReadDepth.PARTS) {
      counts.add(Future.fromCompletionStage(redis.pfcount(keys.readDepth(article, part)), context));
    }
    return Future.all(counts).map(done -> counts.stream().map(Future::result).toList());
  }

  private Future<List<Item>> withEngaged(List<Item> items, long now, Context context) {
    long minute = Math.floorDiv(now, 60_000L) * 60;
    List<Future<Long>> sums = new ArrayList<>();
    for (Item item : items) {
      List<Future<long[]>> minutes = new ArrayList<>();
      for (int m = 0; m < ENGAGED_MINUTES; m++) {
        minutes.add(engagedMinute(item.article(), minute - 60L * m, context));
      }
      sums.add(Future.all(minutes).map(done -> minutes.stream().mapToLong(f -> f.result()[0]).sum()));
    }
    return Future.all(sums).map(done -> {
      List<Item> result = new ArrayList<>(items.size());
      for (int i = 0; i < items.size(); i++) {
        Item item = items.get(i);
        result.add(new Item(item.article(), item.readers(), sums.get(i).result()));
      }
      return result;
    });
  }

  private Future<Long> estimate(String set, String levelKey, long now, Context context) {
    Future<Long> members = Future.fromCompletionStage(
        redis.zcount(set, Range.create((double) (now - WINDOW.toMillis()), Double.POSITIVE_INFINITY)), context);
    Future<String> level = Future.fromCompletionStage(redis.get(levelKey), context);
    return Future.all(members, level).map(done -> members.result() << (level.result() == null ? 0
        : Integer.parseInt(level.result())));
  }
}
