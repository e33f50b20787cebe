package news.engagement.ingest;

import io.vertx.core.json.JsonObject;

/** Why the event at {@code index} of a request was not accepted. */
public record Rejection(int index, String error, String message) {
  public JsonObject toJson() {
    return new JsonObject().put("index", index).put("error", error).put("message", message);
  }
}
