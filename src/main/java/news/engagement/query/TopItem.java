package news.engagement.query;

import io.vertx.core.json.JsonObject;

/** One entry of a top list: an article and its sum over the window. */
public record TopItem(String article, long value) {
  public JsonObject toJson() {
    return new JsonObject().put("article", article).put("value", value);
  }
}
