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

  private Future<SourceCounts> live(String article, SourceWindow window, Context context) {
    BucketSize size = window == SourceWindow.HOUR ? BucketSize.FIVE_MINUTES : BucketSize.HOUR;
    long open = size.startOf(clock.millis() / 1000);
    List<String> hashes = new ArrayList<>();
    for (int i = 0; i < window.buckets; i++) {
      long start = open - i * size.length().toSeconds();
      if (article != null) {
        hashes.add(keys.articleSources(article, size, start));
      } else {
        for (int shard = 0; shard < keys.shards(); shard++) {
          hashes.add(keys.siteSources(shard, size, start));
        }
      }
    }
    List<Future<Map<String, String>>> reads = hashes.stream()
        .map(key -> Future.fromCompletionStage(redis.hgetall(key), context)).toList();
    return Future.all(reads).map(done -> {
      SourceCounts counts = new SourceCounts();
      reads.forEach(r -> r.result().forEach((label, views) -> counts.add(label, Long.parseLong(views))));
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
