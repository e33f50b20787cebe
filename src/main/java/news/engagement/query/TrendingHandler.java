package news.engagement.query;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import news.engagement.web.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/editor/trending?window=1h|24h&limit=}: editors only, served from the read cache per
 * (window, limit). The editor guard ({@link news.engagement.web.EditorAuth}) must be mounted before this.
 */
public final class TrendingHandler {
  private static final Logger LOG = LoggerFactory.getLogger(TrendingHandler.class);
  // Behind a token: caches shared between users must not keep it.
  static final CharSequence CACHE_CONTROL = HttpHeaders.createOptimized("private, max-age=10, stale-while-revalidate=30");
  private static final int MAX_CACHED_LISTS = 2 * Params.MAX_LIMIT;

  /** Where trending lists come from, e.g. {@code Trending::trending}. */
  @FunctionalInterface
  public interface Source {
    Future<TrendingList> trending(Window window, int limit, Context context);
  }

  record Key(Window window, int limit) {
  }

  private final ReadCache<Key, Rendered> cache;

  public TrendingHandler(Source source, ReadCache.Settings settings) {
    Objects.requireNonNull(source, "source");
    this.cache = new ReadCache<>("trending", ReadCache.Source.oneByOne((Key key, Context context) -> source
        .trending(key.window(), key.limit(), context).map(list -> Rendered.of(list.toJson()))),
        MAX_CACHED_LISTS, settings);
  }

  public void mount(Router router) {
    router.get("/v1/editor/trending").handler(this::trending);
  }

  private void trending(RoutingContext ctx) {
    Key key;
    try {
      Window window = Params.window(ctx, Window.HOUR);
      if (!window.trendable()) {
        throw new Params.BadParam("invalid_window", "trending compares windows of 1h or 24h, not " + window.code());
      }
      key = new Key(window, Params.limit(ctx));
    } catch (Params.BadParam bad) {
      Errors.send(ctx, 400, bad.code, bad.getMessage());
      return;
    }
    cache.get(key, ctx.vertx().getOrCreateContext(), HttpCaching.staleAllowed(ctx))
        .onSuccess(c -> HttpCaching.send(ctx, CACHE_CONTROL, c.value().body(), c.value().etag(), c.ageSeconds(),
            c.storeFailing()))
        .onFailure(err -> {
          LOG.debug("Trending {} could not be read: {}", key.window().code(), err.getMessage());
          ctx.response().putHeader("Retry-After", "1");
          Errors.send(ctx, 503, "store_unavailable", "trending cannot be read right now");
        });
  }
}
