package news.engagement.query;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/** A top list as answered: {@code from} is the start of the window's oldest bucket, {@code to} the read time. */
public record TopList(Metric metric, Window window, Instant from, Instant to, List<TopItem> items) {
  public TopList {
    items = List.copyOf(items);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("metric", metric.code())
        .put("window", window.code())
        .put("from", from.toString())
        .put("to", to.toString())
        .put("items", new JsonArray(items.stream().map(TopItem::toJson).toList()));
  }
}
