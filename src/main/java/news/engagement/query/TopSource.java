package news.engagement.query;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * An article's top traffic source of the last hour: the (medium, source) with most counted views in
 * the window of {@code /v1/editor/articles/{id}/sources?window=1h}, ties as there (by medium, then
 * source). Names are {@code [a-z0-9._-]} by construction (docs/sources.md); pages still set them as text.
 */
public record TopSource(String medium, String source, long views) {
  public TopSource {
    Objects.requireNonNull(medium, "medium");
    Objects.requireNonNull(source, "source");
  }

  /** {@code {"medium", "source", "views"}}: the item shape of the sources API. */
  public JsonObject toJson() {
    return new JsonObject().put("medium", medium).put("source", source).put("views", views);
  }

  /** The JSON of a top source, or null when there is none (answers then carry {@code "topSource": null}). */
  public static JsonObject toJson(TopSource top) {
    return top == null ? null : top.toJson();
  }
}
