package news.engagement.query;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import news.engagement.counting.Keys;
import news.engagement.counting.Keys.BucketSize;
import news.engagement.query.Cover.Unit;

/**
 * Window uniques of the likeliest articles: each window's {@link #CANDIDATES} most viewed articles,
 * ranked by {@code PFCOUNT} over the article's visitor HyperLogLogs that cover the window (the rolled
 * days and hours of its closed part, 5-minute ones elsewhere and for the two live buckets). PFCOUNT
 * of several keys counts their union, so a visitor seen in several buckets counts once. One pipelined
 * round of PFCOUNTs per rebuild; all keys of a call are the article's, on its shard.
 */
final class UniquesLists {
  static final int CANDIDATES = 200;

  private final RedisClusterAsyncCommands<String, String> redis;
  private final Keys keys;

  UniquesLists(RedisClusterAsyncCommands<String, String> redis, Keys keys) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  /** Needs the roll-ups of {@code counts.open()} done, which building {@code counts} made sure of. */
  Future<UniquesSnapshot> build(TopSnapshot counts, long startNanos, Context context) {
    Map<Window, List<String>> candidates = new EnumMap<>(Window.class);
    Map<Window, List<Future<Long>>> counted = new EnumMap<>(Window.class);
    List<Future<Long>> all = new ArrayList<>();
    for (Window window : Window.values()) {
      List<String> articles = counts.candidates().get(window).stream().limit(CANDIDATES).map(TopItem::article).toList();
      List<Unit> units = units(window, counts.open());
      List<Future<Long>> futures = new ArrayList<>(articles.size());
      for (String article : articles) {
        String[] hlls = units.stream().map(u -> keys.bucketUniques(article, u.size(), u.start())).toArray(String[]::new);
        futures.add(Future.fromCompletionStage(redis.pfcount(hlls), context));
      }
      candidates.put(window, articles);
      counted.put(window, futures);
      all.addAll(futures);
    }
    return Future.all(all).map(done -> {
      Map<Window, List<TopItem>> lists = new EnumMap<>(Window.class);
      candidates.forEach((window, articles) -> {
        Map<String, Long> values = new HashMap<>();
        for (int i = 0; i < articles.size(); i++) {
          values.put(articles.get(i), counted.get(window).get(i).result());
        }
        lists.put(window, Ranking.top(values, ListBuilder.LIST_SIZE));
      });
      return new UniquesSnapshot(counts.open(), counts.at(), startNanos, lists);
    });
  }

  /** The window's buckets: its closed cover, then the two live 5-minute buckets. */
  static List<Unit> units(Window window, long open) {
    List<Unit> units = new ArrayList<>(window.closedUnits(open));
    long five = BucketSize.FIVE_MINUTES.length().toSeconds();
    units.add(new Unit(BucketSize.FIVE_MINUTES, open - five));
    units.add(new Unit(BucketSize.FIVE_MINUTES, open));
    return units;
  }
}
