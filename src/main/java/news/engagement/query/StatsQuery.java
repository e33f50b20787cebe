package news.engagement.query;

import io.lettuce.core.api.async.RedisAsyncCommands;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import news.engagement.counting.Keys;

/** Reads articles' live numbers from Redis: one HGETALL and one PFCOUNT per article, pipelined. */
public final class StatsQuery {
  // LOCAL STUB on issue-9-top only, so the branch compiles; the lead's rewrite replaces it.
  private static final Keys LOCAL_KEYS = new Keys(Keys.DEFAULT_SHARDS);
  private static final String SHARE_PREFIX = "share:";

  private final RedisAsyncCommands<String, String> redis;

  public StatsQuery(RedisAsyncCommands<String, String> redis) {
    this.redis = Objects.requireNonNull(redis, "redis");
  }

  public Future<ArticleStats> one(String article, Context context) {
    return many(List.of(article), context).map(list -> list.get(0));
  }

  /** The stats of each article, in the order asked. */
  public Future<List<ArticleStats>> many(List<String> articles, Context context) {
    List<Future<Map<String, String>>> counts = new ArrayList<>(articles.size());
    List<Future<Long>> uniques = new ArrayList<>(articles.size());
    for (String article : articles) {
      // Lettuce writes each command as it is issued, so these go out back to back: one round trip.
      counts.add(Future.fromCompletionStage(redis.hgetall(LOCAL_KEYS.counts(article)), context));
      uniques.add(Future.fromCompletionStage(redis.pfcount(LOCAL_KEYS.uniques(article)), context));
    }
    List<Future<?>> all = new ArrayList<>(counts);
    all.addAll(uniques);
    return Future.all(all).map(done -> {
      List<ArticleStats> stats = new ArrayList<>(articles.size());
      for (int i = 0; i < articles.size(); i++) {
        stats.add(of(articles.get(i), counts.get(i).result(), uniques.get(i).result()));
      }
      return stats;
    });
  }

  private static ArticleStats of(String article, Map<String, String> hash, Long uniques) {
    Map<String, Long> shares = new HashMap<>();
    hash.forEach((field, value) -> {
      if (field.startsWith(SHARE_PREFIX)) {
        shares.put(field.substring(SHARE_PREFIX.length()), Long.parseLong(value));
      }
    });
    return new ArticleStats(article, number(hash, "views"), uniques == null ? 0 : uniques,
        number(hash, "likes"), shares, number(hash, "previews"));
  }

  private static long number(Map<String, String> hash, String field) {
    String value = hash.get(field);
    return value == null ? 0 : Long.parseLong(value);
  }
}
