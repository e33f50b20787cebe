package news.engagement.query;

import io.vertx.core.json.JsonObject;
import news.engagement.presence.ArticlePresence;

/**
 * Everything about one article for editors ({@code GET /v1/editor/articles/{id}}): the public counts, as
 * {@code /v1/articles/{id}} gives them, and each feature's part beside them. A new part (metadata,
 * sources) is one more component here, one more source in {@link EditorArticleHandler}, and one more
 * merge in {@link #toJson}. A part is null when its feature does not run; {@code topSource} (the last
 * hour's, {@link TopSources}) is always in the answer, null when the article had no counted view with a
 * source in that hour (or no room counts sources).
 */
public record EditorArticle(ArticleStats counts, ArticlePresence presence, TopSource topSource) {

  public JsonObject toJson() {
    JsonObject json = counts.toJson();
    if (presence != null) {
      json.mergeIn(presence.toJson());
    }
    return json.put("topSource", TopSource.toJson(topSource));
  }
}
