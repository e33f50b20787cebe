package news.engagement.query;

import io.vertx.core.json.JsonObject;

/** One entry of a top list: an article, its sum over the window, and its label when known (else null). */
public record TopItem(String article, long value, Label label) {
  public TopItem(String article, long value) {
    this(article, value, null);
  }

  TopItem labeled(Labels labels) {
    Label known = labels.of(article);
    return known == null ? this : new TopItem(article, value, known);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("article", article).put("value", value);
    if (label != null) {
      label.addTo(json);
    }
    return json;
  }
}
