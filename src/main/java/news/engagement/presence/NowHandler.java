package news.engagement.presence;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import java.util.regex.Pattern;
import news.engagement.web.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/editor/now?limit=N} (1..100, default 10): site-wide readers now, and the articles with
 * most readers now, each with its readers and engaged seconds of the last five minutes. Editors only:
 * the guard ({@link news.engagement.web.EditorAuth}) is mounted on {@code /v1/editor/*} before this.
 * Not cached: it is a live view, read by a handful of editors every few seconds.
 */
final class NowHandler {
  private static final Logger LOG = LoggerFactory.getLogger(NowHandler.class);
  static final int MAX_LIMIT = 100;
  private static final Pattern DIGITS = Pattern.compile("\\d{1,3}");

  private final ReadersNow readers;
  private final int exactMax;
  private volatile String lastFailure;

  NowHandler(ReadersNow readers, int exactMax) {
    this.readers = Objects.requireNonNull(readers, "readers");
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
    readers.site(context).compose(site -> readers.top(limit, context).map(items -> {
      JsonArray list = new JsonArray();
      items.forEach(i -> list.add(new JsonObject().put("article", i.article()).put("readers", i.readers())
          .put("engagedSeconds", i.engagedSeconds())));
      return new JsonObject().put("readers", site)
          .put("window", ReadersNow.WINDOW.toSeconds() + "s")
          .put("engagedWindow", ReadersNow.ENGAGED_MINUTES + "m")
          .put("exactUpTo", exactMax)
          .put("items", list);
    })).onSuccess(body -> {
      lastFailure = null;
      ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
          .end(body.toBuffer());
    }).onFailure(err -> {
      if (!Objects.equals(err.getMessage(), lastFailure)) {
        LOG.warn("Reading readers now from Redis failed: {}", err.getMessage());
        lastFailure = err.getMessage();
      }
      ctx.response().putHeader("Retry-After", "2");
      Errors.send(ctx, 503, "presence_unavailable", "readers now cannot be read right now");
    });
  }
}
