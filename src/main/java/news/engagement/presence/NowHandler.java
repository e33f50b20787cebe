package news.engagement.presence;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import news.engagement.query.TopSource;
import news.engagement.query.TopSources;
import news.engagement.web.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/editor/now?limit=N} (1..100, default 10): site-wide readers now, and the articles with
 * most readers now, each with its readers, engaged seconds of the last five minutes and top traffic source
 * of the last hour ({@link TopSources}, read for the listed articles only, in one go). Editors only:
 * the guard ({@link news.engagement.web.EditorAuth}) is mounted on {@code /v1/editor/*} before this.
 * Not cached: it is a live view, read by a handful of editors every few seconds.
 */
final class NowHandler {
  private static final Logger LOG = LoggerFactory.getLogger(NowHandler.class);
  static final int MAX_LIMIT = 100;
  private static final Pattern DIGITS = Pattern.compile("\\d{1,3}");

  private final ReadersNow readers;
  private final TopSources sources;
  private final int exactMax;
  private volatile String lastFailure;

  NowHandler(ReadersNow readers, TopSources sources, int exactMax) {
    this.readers = Objects.requireNonNull(readers, "readers");
    this.sources = Objects.requireNonNull(sources, "sources");
    this.exactMax = exactMax;
  }

  void mount(Router router) {
    router.get("/v1/editor/now").handler(this::now);
  }

  private void now(RoutingContext ctx) {
    String raw = ctx.request().getParam("limit", "10");
    int limit = DIGITS.matcher(raw).matches() ? Integer.parseInt(raw) : -1;
    if (limit < 1 || limit > MAX_LIMIT) {
      Errors.send(ctx, 400, "invalid_limit", "limit must be a whole number from 1 to " + MAX_LIMIT);
      return;
    }
    var context = ctx.vertx().getOrCreateContext();
    // Site-wide readers beside the list; the top sources once the list is known (its articles only).
    Future<Long> site = readers.site(context);
    Future<List<ReadersNow.Item>> items = readers.top(limit, context);
    Future<Map<String, TopSource>> tops = items.compose(list -> sources.lastHour(
        list.stream().map(ReadersNow.Item::article).toList(), context));
    Future.all(site, tops).map(done -> render(site.result(), items.result(), tops.result())).onSuccess(body -> {
      lastFailure = null;
      ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
          .end(body.toBuffer());
    }).onFailure(err -> {
      if (!Objects.equals(err.getMessage(), lastFailure)) {
        LOG.warn("Reading readers now (or their top sources) from Redis failed: {}", err.getMessage());
        lastFailure = err.getMessage();
      }
      ctx.response().putHeader("Retry-After", "2");
      Errors.send(ctx, 503, "presence_unavailable", "readers now cannot be read right now");
    });
  }

  private JsonObject render(long site, List<ReadersNow.Item> items, Map<String, TopSource> tops) {
    JsonArray list = new JsonArray();
    items.forEach(i -> list.add(new JsonObject().put("article", i.article()).put("readers", i.readers())
        .put("engagedSeconds", i.engagedSeconds()).put("topSource", TopSource.toJson(tops.get(i.article())))));
    return new JsonObject().put("readers", site)
        .put("window", ReadersNow.WINDOW.toSeconds() + "s")
        .put("engagedWindow", ReadersNow.ENGAGED_MINUTES + "m")
        .put("sourceWindow", TopSources.WINDOW)
        .put("exactUpTo", exactMax)
        .put("items", list);
  }
}
