package news.engagement.query;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import news.engagement.web.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/top?metric=&window=&limit=&section=}: the "most read" box and the editors' top lists. Served from
 * the read cache per (metric, window, limit, section), whatever else the query string carries, and public and
 * briefly cacheable (longer for longer windows, whose lists move slower), so a CDN can absorb page traffic.
 */
public final class TopHandler {
  private static final Logger LOG = LoggerFactory.getLogger(TopHandler.class);
  static final Window DEFAULT_WINDOW = Window.DAY;
  /**
   * metric x window x limit: 1 600 real keys, and as many again for sections (any section a client names
   * is a key, so the oldest are dropped past this; each costs only a read of the lists in memory).
   */
  static final int MAX_CACHED_LISTS = 2 * Metric.values().length * Window.values().length * Params.MAX_LIMIT;
  private static final Map<Window, CharSequence> CACHE_CONTROL = new EnumMap<>(Window.class);

  static {
    for (Window window : Window.values()) {
      CACHE_CONTROL.put(window, HttpHeaders.createOptimized("public, max-age=" + maxAgeSeconds(window)
          + ", stale-while-revalidate=" + 2 * maxAgeSeconds(window)));
    }
  }

  /** Where top lists come from: Redis today ({@code TopQuery::top}), any future-returning builder later. */
  @FunctionalInterface
  public interface Source {
    /** {@code sectionKey}: lower case, or null for the whole site. */
    Future<TopList> top(Metric metric, Window window, String sectionKey, int limit, Context context);
  }

  /** The normalised cache key: unknown query parameters never split it; {@code section} lower case or null. */
  record Key(Metric metric, Window window, int limit, String section) {
  }

  private final ReadCache<Key, Rendered> cache;

  public TopHandler(Source source, ReadCache.Settings settings) {
    Objects.requireNonNull(source, "source");
    this.cache = new ReadCache<>("top", ReadCache.Source.oneByOne((Key key, Context context) -> source
        .top(key.metric(), key.window(), key.section(), key.limit(), context).map(list -> Rendered.of(list.toJson()))),
        MAX_CACHED_LISTS, settings);
  }

  public void mount(Router router) {
    router.get("/v1/top").handler(this::top);
  }

  private void top(RoutingContext ctx) {
    Key key;
    try {
      key = new Key(Params.metric(ctx), Params.window(ctx, DEFAULT_WINDOW), Params.limit(ctx), Params.section(ctx));
      if (key.section() != null && key.metric() == Metric.UNIQUES) {
        throw new Params.BadParam("invalid_metric", "lists by section rank views, likes or shares, not uniques");
      }
    } catch (Params.BadParam bad) {
      Errors.send(ctx, 400, bad.code, bad.getMessage());
      return;
    }
    cache.get(key, ctx.vertx().getOrCreateContext(), HttpCaching.staleAllowed(ctx))
        .onSuccess(c -> HttpCaching.send(ctx, CACHE_CONTROL.get(key.window()), c.value().body(), c.value().etag(),
            c.ageSeconds(), c.storeFailing()))
        .onFailure(err -> {
          LOG.debug("Top list {} {} could not be read: {}", key.metric().code(), key.window().code(), err.getMessage());
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
