package news.engagement.query;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/** Trending as answered, with the two stretches of time it compares. */
public record TrendingList(Window window, Instant from, Instant to, Instant baselineFrom, Instant baselineTo,
    List<TrendingItem> items) {
  public TrendingList {
    items = List.copyOf(items);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("window", window.code())
        .put("from", from.toString())
        .put("to", to.toString())
        .put("baselineFrom", baselineFrom.toString())
        .put("baselineTo", baselineTo.toString())
        .put("items", new JsonArray(items.stream().map(TrendingItem::toJson).toList()));
  }
}
