package news.engagement.query;

import io.lettuce.core.api.sync.RedisCommands;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import news.engagement.counting.Keys;
import news.engagement.counting.Keys.BucketSize;

/**
 * Writes what the batch script writes for the top lists, straight into Redis through {@link Keys}: per
 * shard the 5-minute top sets (views, net likes, shares) and per article the 5-minute visitors HLL.
 * Lets the top-list tests run without the write path.
 */
final class TopData {
  private final RedisCommands<String, String> redis;
  private final Keys keys;

  TopData(RedisCommands<String, String> redis, Keys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  /** Adds {@code n} (may be negative for likes) to an article's 5-minute bucket of {@code metric} at {@code at}. */
  TopData add(String metric, String article, String at, long n) {
    long start = BucketSize.FIVE_MINUTES.startOf(Instant.parse(at).getEpochSecond());
    String key = keys.top(keys.shardOf(article), metric, BucketSize.FIVE_MINUTES, start);
    redis.zincrby(key, n, article);
    redis.expire(key, BucketSize.FIVE_MINUTES.retention().toSeconds());
    return this;
  }

  /** {@code n} counted views by new visitors {@code prefix-0 .. prefix-(n-1)}: the views set and the HLL. */
  TopData views(String article, String at, String prefix, int n) {
    return views(article, at, prefix, 0, n);
  }

  /** Counted views by visitors {@code prefix-first .. prefix-(first+n-1)}. */
  TopData views(String article, String at, String prefix, int first, int n) {
    add(Metric.VIEWS.code(), article, at, n);
    long start = BucketSize.FIVE_MINUTES.startOf(Instant.parse(at).getEpochSecond());
    String hll = keys.bucketUniques(article, BucketSize.FIVE_MINUTES, start);
    List<String> chunk = new ArrayList<>();
    for (int i = first; i < first + n; i++) {
      chunk.add(prefix + "-" + i);
      if (chunk.size() == 1000 || i == first + n - 1) {
        redis.pfadd(hll, chunk.toArray(String[]::new));
        chunk.clear();
      }
    }
    redis.expire(hll, BucketSize.FIVE_MINUTES.retention().toSeconds());
    return this;
  }
}
