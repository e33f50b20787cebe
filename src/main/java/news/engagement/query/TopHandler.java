package news.engagement.query;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import news.engagement.web.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/top?metric=&window=&limit=}: the "most read" box and the editors' top lists. Public and
 * briefly cacheable (longer for longer windows, whose lists move slower), so a CDN can absorb page traffic.
 */
public final class TopHandler {
  private static final Logger LOG = LoggerFactory.getLogger(TopHandler.class);
  static final Window DEFAULT_WINDOW = Window.DAY;

  private final TopQuery query;

  public TopHandler(TopQuery query) {
    this.query = Objects.requireNonNull(query, "query");
  }

  public void mount(Router router) {
    router.get("/v1/top").handler(this::top);
  }

  private void top(RoutingContext ctx) {
    Metric metric;
    Window window;
    int limit;
    try {
      metric = Params.metric(ctx);
      window = Params.window(ctx, DEFAULT_WINDOW);
      limit = Params.limit(ctx);
    } catch (Params.BadParam bad) {
      Errors.send(ctx, 400, bad.code, bad.getMessage());
      return;
    }
    query.top(metric, window, limit, ctx.vertx().getOrCreateContext())
        .onSuccess(list -> ctx.response()
            .putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "public, max-age=" + maxAgeSeconds(window))
            .end(list.toJson().toBuffer()))
        .onFailure(err -> {
          LOG.debug("Top list {} {} could not be read: {}", metric.code(), window.code(), err.getMessage());
          ctx.response().putHeader("Retry-After", "1");
          Errors.send(ctx, 503, "store_unavailable", "the top lists cannot be read right now");
        });
  }

  static int maxAgeSeconds(Window window) {
    return switch (window) {
      case HOUR -> 10;
      case DAY -> 30;
      case WEEK, MONTH -> 60;
    };
  }
}
