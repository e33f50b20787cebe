package news.engagement.query;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * Where editor answers find their articles' top traffic source of the last hour (the sources room,
 * {@code news.engagement.sources}, offers it; {@code Service} wires it), so presence and the article view
 * need nothing of the sources room's internals. {@link #NONE} when no room counts sources.
 */
@FunctionalInterface
public interface TopSources {
  TopSources NONE = (articles, context) -> Future.succeededFuture(Map.of());

  /** The window the top sources cover, as answers name it ({@code "sourceWindow": "1h"}). */
  String WINDOW = "1h";

  /**
   * The top source of each of {@code articles} that had a counted view in the last hour; an article
   * without one is absent from the map. All articles in one go (pipelined reads), on {@code context}.
   */
  Future<Map<String, TopSource>> lastHour(List<String> articles, Context context);
}
