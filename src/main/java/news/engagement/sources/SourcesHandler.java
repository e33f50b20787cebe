package news.engagement.sources;

import io.vertx.core.Context;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import java.util.regex.Pattern;
import news.engagement.ingest.EventValidator;
import news.engagement.query.ReadCache;
import news.engagement.query.Rendered;
import news.engagement.web.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/editor/articles/{id}/sources?window=1h|24h|7d&limit=} and the site's
 * {@code GET /v1/editor/sources?window=&limit=}: counted views by (medium, source), most first, through
 * the read cache per (article, window, limit). Editors only: the guard is mounted on /v1/editor/ first.
 */
final class SourcesHandler {
  /** Article ids may contain '/', so the id is everything between the prefix and the last segment. */
  static final String ARTICLE_PATH = "/v1/editor/articles/(?<id>.+)/sources";
  static final String SITE_PATH = "/v1/editor/sources";
  static final int MAX_LIMIT = 100;
  static final int DEFAULT_LIMIT = 20;
  private static final Logger LOG = LoggerFactory.getLogger(SourcesHandler.class);
  private static final CharSequence CACHE_CONTROL = HttpHeaders.createOptimized("private, max-age=5");
  private static final Pattern DIGITS = Pattern.compile("\\d{1,3}");
  private static final int MAX_CACHED = 10_000;

  record Key(String article, SourceWindow window, int limit) {
  }

  private final ReadCache<Key, Rendered> cache;
  private volatile String lastFailure;

  SourcesHandler(SourceReads reads, ReadCache.Settings settings) {
    Objects.requireNonNull(reads, "reads");
    this.cache = new ReadCache<>("sources", ReadCache.Source.oneByOne((Key key, Context context) -> reads
        .read(key.article(), key.window(), context)
        .map(counts -> Rendered.of(counts.toJson(key.article(), key.window(), key.limit())))), MAX_CACHED, settings);
  }

  void mount(Router router) {
    router.getWithRegex(ARTICLE_PATH).handler(ctx -> {
      String id = ctx.pathParam("id");
      if (!EventValidator.validArticle(id)) {
        Errors.send(ctx, 400, "invalid_article", "the article id must be 1 to 128 characters of [A-Za-z0-9._:/-]");
        return;
      }
      answer(ctx, id);
    });
    router.get(SITE_PATH).handler(ctx -> answer(ctx, null));
  }

  private void answer(RoutingContext ctx, String article) {
    SourceWindow window = SourceWindow.of(ctx.request().getParam("window", "24h"));
    if (window == null) {
      Errors.send(ctx, 400, "invalid_window", "window must be 1h, 24h or 7d");
      return;
    }
    String rawLimit = ctx.request().getParam("limit", Integer.toString(DEFAULT_LIMIT));
    int limit = DIGITS.matcher(rawLimit).matches() ? Integer.parseInt(rawLimit) : -1;
    if (limit < 1 || limit > MAX_LIMIT) {
      Errors.send(ctx, 400, "invalid_limit", "limit must be a whole number from 1 to " + MAX_LIMIT);
      return;
    }
    Key key = new Key(article, window, limit);
    cache.get(key, ctx.vertx().getOrCreateContext()).onSuccess(cached -> {
      lastFailure = null;
      String etag = cached.value().etag();
      if (etag.equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
        ctx.response().setStatusCode(304).putHeader(HttpHeaders.ETAG, etag).end();
        return;
      }
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .putHeader(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL).putHeader(HttpHeaders.ETAG, etag)
          .putHeader("Age", Long.toString(cached.ageSeconds()))
          .end(cached.value().body());
    }).onFailure(err -> {
      if (!Objects.equals(err.getMessage(), lastFailure)) {
        LOG.warn("Reading sources ({}) failed: {}", window.code, err.getMessage());
        lastFailure = err.getMessage();
      }
      ctx.response().putHeader("Retry-After", "2");
      Errors.send(ctx, 503, window.live() ? "store_unavailable" : "history_unavailable",
          "traffic sources cannot be read right now");
    });
  }
}
