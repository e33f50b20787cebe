package news.engagement.query;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import news.engagement.web.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/editor/trending?window=1h|24h&limit=}: editors only. The editor guard
 * ({@link news.engagement.web.EditorAuth}) must be mounted before this.
 */
public final class TrendingHandler {
  private static final Logger LOG = LoggerFactory.getLogger(TrendingHandler.class);

  private final Trending trending;

  public TrendingHandler(Trending trending) {
    this.trending = Objects.requireNonNull(trending, "trending");
  }

  public void mount(Router router) {
    router.get("/v1/editor/trending").handler(this::trending);
  }

  private void trending(RoutingContext ctx) {
    Window window;
    int limit;
    try {
      window = Params.window(ctx, Window.HOUR);
      limit = Params.limit(ctx);
      if (!window.trendable()) {
        throw new Params.BadParam("invalid_window", "trending compares windows of 1h or 24h, not " + window.code());
      }
    } catch (Params.BadParam bad) {
      Errors.send(ctx, 400, bad.code, bad.getMessage());
      return;
    }
    trending.trending(window, limit, ctx.vertx().getOrCreateContext())
        .onSuccess(list -> ctx.response()
            .putHeader("Content-Type", "application/json")
            // Behind a token: caches shared between users must not keep it.
            .putHeader("Cache-Control", "private, max-age=10")
            .end(list.toJson().toBuffer()))
        .onFailure(err -> {
          LOG.debug("Trending {} could not be read: {}", window.code(), err.getMessage());
          ctx.response().putHeader("Retry-After", "1");
          Errors.send(ctx, 503, "store_unavailable", "trending cannot be read right now");
        });
  }
}
