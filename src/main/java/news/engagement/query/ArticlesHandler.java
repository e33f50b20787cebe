package news.engagement.query;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import news.engagement.ingest.EventValidator;
import news.engagement.web.Errors;

/** {@code GET /v1/articles/{id}} and {@code GET /v1/articles?ids=a,b,c}: live numbers, briefly cacheable. */
public final class ArticlesHandler {
  public static final int MAX_IDS = 100;
  static final String CACHE_CONTROL = "public, max-age=5";

  private final StatsQuery stats;

  public ArticlesHandler(StatsQuery stats) {
    this.stats = Objects.requireNonNull(stats, "stats");
  }

  public void mount(Router router) {
    // Ids may contain '/' (e.g. "news/2026/x"), which ":id" would not match.
    // The name is the route label in metrics: readable, and never the article id.
    router.getWithRegex("/v1/articles/(?<id>.+)").setName("/v1/articles/:id").handler(this::one);
    router.get("/v1/articles").handler(this::many);
  }

  private void one(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!EventValidator.validArticle(id)) {
      Errors.send(ctx, 400, "invalid_article",
          "article must be 1 to 128 characters of A-Z a-z 0-9 . _ : / -, starting with a letter or digit");
      return;
    }
    stats.one(id, ctx.vertx().getOrCreateContext())
        .onSuccess(s -> ok(ctx, s.toJson()))
        .onFailure(err -> unavailable(ctx));
  }

  private void many(RoutingContext ctx) {
    String raw = ctx.request().getParam("ids");
    if (raw == null || raw.isBlank()) {
      Errors.send(ctx, 400, "missing_ids", "give ids=a,b,c (up to " + MAX_IDS + " article ids)");
      return;
    }
    List<String> ids = Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    if (ids.size() > MAX_IDS) {
      Errors.send(ctx, 400, "too_many_ids", "at most " + MAX_IDS + " ids per request");
      return;
    }
    for (String id : ids) {
      if (!EventValidator.validArticle(id)) {
        Errors.send(ctx, 400, "invalid_article", "not a valid article id: " + truncate(id));
        return;
      }
    }
    stats.many(ids, ctx.vertx().getOrCreateContext())
        .onSuccess(list -> ok(ctx, new JsonObject().put("articles",
            new JsonArray(list.stream().map(ArticleStats::toJson).toList()))))
        .onFailure(err -> unavailable(ctx));
  }

  private static void ok(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", CACHE_CONTROL)
        .end(body.toBuffer());
  }

  private static void unavailable(RoutingContext ctx) {
    ctx.response().putHeader("Retry-After", "1");
    Errors.send(ctx, 503, "store_unavailable", "the live counts cannot be read right now");
  }

  private static String truncate(String id) {
    return id.length() > 40 ? id.substring(0, 40) + "..." : id;
  }
}
