package news.engagement.query;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.Objects;

/**
 * Top articles by a metric over a window, served from the lists {@link TopLists} keeps in memory:
 * no Redis work per request (see docs/top-and-trending.md).
 */
public final class TopQuery {
  private final TopLists lists;

  public TopQuery(TopLists lists) {
    this.lists = Objects.requireNonNull(lists, "lists");
  }

  public Future<TopList> top(Metric metric, Window window, int limit, Context context) {
    return top(metric, window, null, limit, context);
  }

  /** Within a section ({@code sectionKey} lower case), or the whole site when it is null. */
  public Future<TopList> top(Metric metric, Window window, String sectionKey, int limit, Context context) {
    if (limit < 1 || limit > ListBuilder.LIST_SIZE) {
      throw new IllegalArgumentException("limit must be 1.." + ListBuilder.LIST_SIZE + ": " + limit);
    }
    return lists.top(metric, window, sectionKey, limit, context);
  }
}
