package news.engagement.sources;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import news.engagement.counting.Keys;
import news.engagement.counting.Keys.BucketSize;
import news.engagement.history.ClickHouseClient;
import news.engagement.history.SourcesSchema;

/**
 * Where sources are read from: the live per-bucket hashes the batch script keeps in Redis for 1h and 24h
 * (one HGETALL per bucket, per article or per shard for the site), ClickHouse's {@code article_sources_rows}
 * for 7d. {@code article} null means the whole site.
 */
final class SourceReads {
  private final RedisClusterAsyncCommands<String, String> redis;
  private final Keys keys;
  private final ClickHouseClient clickhouse;
  private final Clock clock;

  SourceReads(RedisClusterAsyncCommands<String, String> redis, Keys keys, ClickHouseClient clickhouse, Clock clock) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.clickhouse = Objects.requireNonNull(clickhouse, "clickhouse");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  Future<SourceCounts> read(String article, SourceWindow window, Context context) {
    return window.live() ? live(article, window, context) : history(article, window, context);
  }

  /**
   * 24h: the plain "medium:source" fields of the current hour and the 23 before; 1h: the five-minute slot
   * fields ("medium:source@slot") of the current slot and the eleven before, in this hour and the last.
   */
  private Future<SourceCounts> live(String article, SourceWindow window, Context context) {
    long now = clock.millis() / 1000;
    long hour = BucketSize.HOUR.startOf(now);
    int slot = (int) ((BucketSize.FIVE_MINUTES.startOf(now) - hour) / BucketSize.FIVE_MINUTES.length().toSeconds());
    int hours = window == SourceWindow.HOUR ? 2 : 24;
    List<Long> starts = new ArrayList<>();
    List<String> hashes = new ArrayList<>();
    for (int i = 0; i < hours; i++) {
      long start = hour - i * BucketSize.HOUR.length().toSeconds();
      if (article != null) {
        starts.add(start);
        hashes.add(keys.articleSources(article, start));
      } else {
        for (int shard = 0; shard < keys.shards(); shard++) {
          starts.add(start);
          hashes.add(keys.siteSources(shard, start));
        }
      }
    }
    List<Future<Map<String, String>>> reads = hashes.stream()
        .map(key -> Future.fromCompletionStage(redis.hgetall(key), context)).toList();
    return Future.all(reads).map(done -> {
      SourceCounts counts = new SourceCounts();
      for (int i = 0; i < reads.size(); i++) {
        boolean current = starts.get(i) == hour;
        reads.get(i).result().forEach((field, views) -> {
          int at = field.indexOf('@');
          if (window == SourceWindow.DAY && at < 0) {
            counts.add(field, Long.parseLong(views));
          } else if (window == SourceWindow.HOUR && at > 0) {
            int s = Integer.parseInt(field.substring(at + 1));
            if (current ? s <= slot : s > slot) {
              counts.add(field.substring(0, at), Long.parseLong(views));
            }
          }
        });
      }
      return counts;
    });
  }

  private Future<SourceCounts> history(String article, SourceWindow window, Context context) {
    long to = clock.millis() / 1000 + 60;
    long from = to - 60 - 7 * 86_400;
    return clickhouse.queryTabSeparated(SourcesSchema.bySource(clickhouse.database(), article, from, to)).map(rows -> {
      SourceCounts counts = new SourceCounts();
      for (String[] row : rows) {
        counts.add(row[0] + ":" + row[1], Long.parseLong(row[2]));
      }
      return counts;
    });
  }
}
