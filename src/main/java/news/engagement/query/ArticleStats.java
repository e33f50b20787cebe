package news.engagement.query;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;

/** An article's numbers as pages show them. {@code shares} maps network to count. */
public record ArticleStats(String article, long views, long uniques, long likes, Map<String, Long> shares,
    long previews) {

  public static ArticleStats zero(String article) {
    return new ArticleStats(article, 0, 0, 0, Map.of(), 0);
  }

  public long sharesTotal() {
    return shares.values().stream().mapToLong(Long::longValue).sum();
  }

  public JsonObject toJson() {
    JsonObject shareJson = new JsonObject().put("total", sharesTotal());
    new TreeMap<>(shares).forEach(shareJson::put);
    return new JsonObject()
        .put("article", article)
        .put("views", views)
        .put("uniques", uniques)
        .put("likes", likes)
        .put("shares", shareJson)
        .put("previews", previews);
  }
}
