package news.engagement.metadata;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import news.engagement.counting.Keys;
import news.engagement.counting.Retention;
import news.engagement.redis.LuaScript;

/**
 * Articles' metadata in Redis, one hash per article on the article's shard
 * ({@code eng:{tag}:md:<article>}): {@code crawl} and {@code editor}, each the JSON of its fields with
 * {@code at} (epoch ms), and {@code v}, the version of the last write. Bounded like the article's own
 * keys: it lives as long as the article's totals do (their TTL is refreshed by every counted view), at
 * least the probation TTL for a crawl and the article TTL for an editor's write, and never shorter
 * than it already had. A crawl lease per article ({@code eng:{tag}:mdc:<article>}, TTL a few seconds
 * past the fetch time cap) makes one instance fetch a page at a time.
 */
final class MetadataStore {
  static final String CRAWL = "crawl";
  static final String EDITOR = "editor";
  private static final LuaScript WRITE = LuaScript.load("/news/engagement/metadata/write.lua");

  private final RedisClusterAsyncCommands<String, String> redis;
  private final Keys keys;
  private final Retention retention;

  MetadataStore(RedisClusterAsyncCommands<String, String> redis, Keys keys, Retention retention) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.retention = Objects.requireNonNull(retention, "retention");
  }

  /** The metadata hash of an article: the room's own key family, built like every key in {@link Keys}. */
  String key(String article) {
    return base(article) + "md:" + article;
  }

  String leaseKey(String article) {
    return base(article) + "mdc:" + article;
  }

  private String base(String article) {
    return Keys.PREFIX + "{" + keys.tag(keys.shardOf(article)) + "}:";
  }

  Future<Known> read(String article, Context context) {
    return Future.fromCompletionStage(redis.hgetall(key(article)), context).map(Known::fromHash);
  }

  Future<Known> writeCrawl(String article, Fields fields, long at, Context context) {
    return write(article, CRAWL, fields, at, retention.probationTtl().toMillis(), context);
  }

  Future<Known> writeEditor(String article, Fields fields, long at, Context context) {
    return write(article, EDITOR, fields, at, retention.articleTtl().toMillis(), context);
  }

  private Future<Known> write(String article, String field, Fields fields, long at, long leastTtlMillis,
      Context context) {
    String json = fields.toJson().put("at", at).encode();
    return WRITE.<List<Object>>run(redis, ScriptOutputType.MULTI, new String[] {key(article), keys.counts(article)},
        new String[] {field, json, Long.toString(leastTtlMillis)}, context).map(reply -> {
          @SuppressWarnings("unchecked")
          List<Object> pairs = (List<Object>) reply.get(1);
          Map<String, String> hash = new HashMap<>();
          for (int i = 0; i + 1 < pairs.size(); i += 2) {
            hash.put((String) pairs.get(i), (String) pairs.get(i + 1));
          }
          return Known.fromHash(hash);
        });
  }

  /**
   * True when this instance may fetch the article's page now (no other instance is at it). Never released:
   * it outlives the fetch by a little, and after it the page is fresh, or the article backed off for longer.
   */
  Future<Boolean> lease(String article, String owner, long ttlMillis, Context context) {
    return Future.fromCompletionStage(redis.set(leaseKey(article), owner,
        io.lettuce.core.SetArgs.Builder.nx().px(ttlMillis)), context).map("OK"::equals);
  }
}
