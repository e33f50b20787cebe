package news.engagement.sources;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
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
  /** The metric code of the views top sets (the batch script's and the top lists'). */
  private static final String VIEWS = "views";

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
   * 24h: every five-minute slot field ("medium:source@slot") of the current hour and the 23 before; 1h:
   * those of the current slot and the eleven before, in this hour and the last.
   */
  private Future<SourceCounts> live(String article, SourceWindow window, Context context) {
    Now now = now();
    int hours = window == SourceWindow.HOUR ? 2 : 24;
    List<Long> starts = new ArrayList<>();
    List<String> hashes = new ArrayList<>();
    for (int i = 0; i < hours; i++) {
      long start = now.hour() - i * BucketSize.HOUR.length().toSeconds();
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
    Future<long[]> views = article == null ? Future.succeededFuture(null)
        : windowViews(List.of(article), window, now, context);
    return Future.all(Future.all(reads), views).map(done -> {
      SourceCounts counts = new SourceCounts();
      for (int i = 0; i < reads.size(); i++) {
        now.add(counts, window, starts.get(i), reads.get(i).result());
      }
      if (article != null) {
        counts.implyDirect(views.result()[0]);
      }
      return counts;
    });
  }

  /**
   * The 1h sources of each of {@code articles} (as {@code window=1h} reads one article: its hash of this
   * hour and of the last), in the order given. Every HGETALL is sent at once: Lettuce pipelines them on
   * the connection (on a cluster, on each master's), so the answer takes about one round trip.
   */
  Future<List<SourceCounts>> lastHour(List<String> articles, Context context) {
    Now now = now();
    long previous = now.hour() - BucketSize.HOUR.length().toSeconds();
    List<Future<Map<String, String>>> current = new ArrayList<>(articles.size());
    List<Future<Map<String, String>>> before = new ArrayList<>(articles.size());
    for (String article : articles) {
      current.add(Future.fromCompletionStage(redis.hgetall(keys.articleSources(article, now.hour())), context));
      before.add(Future.fromCompletionStage(redis.hgetall(keys.articleSources(article, previous)), context));
    }
    List<Future<?>> all = new ArrayList<>(current);
    all.addAll(before);
    Future<long[]> views = windowViews(articles, SourceWindow.HOUR, now, context);
    all.add(views);
    return Future.all(all).map(done -> {
      List<SourceCounts> result = new ArrayList<>(articles.size());
      for (int i = 0; i < articles.size(); i++) {
        SourceCounts counts = new SourceCounts();
        now.add(counts, SourceWindow.HOUR, now.hour(), current.get(i).result());
        now.add(counts, SourceWindow.HOUR, previous, before.get(i).result());
        counts.implyDirect(views.result()[i]);
        result.add(counts);
      }
      return result;
    });
  }

  /**
   * Each article's counted views in a live window, from its shard's top sets: the five-minute buckets of
   * this hour up to now and of the last hour (retained 3 h), and for 24h the hour buckets before (rolled
   * by the top lists once closed, retained 9 d). One ZMSCORE per bucket and shard, all pipelined. Direct
   * views have no field of their own per article (apply-batch.lua): they are these views less the
   * labelled ones.
   */
  private Future<long[]> windowViews(List<String> articles, SourceWindow window, Now now, Context context) {
    long five = BucketSize.FIVE_MINUTES.length().toSeconds();
    long hourLength = BucketSize.HOUR.length().toSeconds();
    List<Long> fives = new ArrayList<>();
    List<Long> hours = new ArrayList<>();
    for (int s = 0; s < 12; s++) {
      if (s <= now.slot()) {
        fives.add(now.hour() + s * five);
      }
      if (window == SourceWindow.DAY || s > now.slot()) {
        fives.add(now.hour() - hourLength + s * five);
      }
    }
    if (window == SourceWindow.DAY) {
      for (int i = 2; i < 24; i++) {
        hours.add(now.hour() - i * hourLength);
      }
    }
    Map<Integer, List<Integer>> byShard = new HashMap<>();
    for (int i = 0; i < articles.size(); i++) {
      byShard.computeIfAbsent(keys.shardOf(articles.get(i)), sh -> new ArrayList<>()).add(i);
    }
    List<Future<List<Double>>> reads = new ArrayList<>();
    List<List<Integer>> readers = new ArrayList<>();
    byShard.forEach((shard, members) -> {
      String[] ids = members.stream().map(articles::get).toArray(String[]::new);
      List<String> sets = new ArrayList<>();
      fives.forEach(start -> sets.add(keys.top(shard, VIEWS, BucketSize.FIVE_MINUTES, start)));
      hours.forEach(start -> sets.add(keys.top(shard, VIEWS, BucketSize.HOUR, start)));
      for (String set : sets) {
        reads.add(Future.fromCompletionStage(redis.zmscore(set, ids), context));
        readers.add(members);
      }
    });
    return Future.all(reads).map(done -> {
      long[] views = new long[articles.size()];
      for (int r = 0; r < reads.size(); r++) {
        List<Double> scores = reads.get(r).result();
        List<Integer> members = readers.get(r);
        for (int m = 0; m < members.size(); m++) {
          Double score = scores.get(m);
          views[members.get(m)] += score == null ? 0 : score.longValue();
        }
      }
      return views;
    });
  }

  private Now now() {
    long second = clock.millis() / 1000;
    long hour = BucketSize.HOUR.startOf(second);
    int slot = (int) ((BucketSize.FIVE_MINUTES.startOf(second) - hour) / BucketSize.FIVE_MINUTES.length().toSeconds());
    return new Now(hour, slot);
  }

  /** The moment of a live read: the current hour's start and its five-minute slot (0..11). */
  private record Now(long hour, int slot) {
    /** Adds the fields of one hour hash (of the hour starting at {@code start}) that fall in the window. */
    void add(SourceCounts counts, SourceWindow window, long start, Map<String, String> hash) {
      boolean current = start == hour;
      hash.forEach((field, views) -> {
        // "<label>@<slot>": a source's views in one five-minute slot; "#@<slot>" counts the slot's sources
        // (hashes written before the slots-only layout also hold "<label>" hour sums of the same views).
        int at = field.lastIndexOf('@');
        if (at <= 0 || field.charAt(0) == '#') {
          return;
        }
        if (window == SourceWindow.DAY) {
          counts.add(field.substring(0, at), Long.parseLong(views));
        } else {
          int s = Integer.parseInt(field.substring(at + 1));
          if (current ? s <= slot : s > slot) {
            counts.add(field.substring(0, at), Long.parseLong(views));
          }
        }
      });
    }
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
