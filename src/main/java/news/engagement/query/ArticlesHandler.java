package news.engagement.query;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import news.engagement.ingest.EventValidator;
import news.engagement.query.ReadCache.Cached;
import news.engagement.web.Errors;

/**
 * {@code GET /v1/articles/{id}} and {@code GET /v1/articles?ids=a,b,c}: live numbers from the read cache,
 * one entry per article (a list answer is assembled from them; only the missing ones are read, in one
 * pipelined call), briefly cacheable by browsers and CDNs.
 */
public final class ArticlesHandler {
  public static final int MAX_IDS = 100;
  /** Junk ids cannot grow memory past this; real sites read far fewer distinct articles per second. */
  static final int MAX_CACHED_ARTICLES = 20_000;
  static final int MAX_AGE_SECONDS = 5;
  static final CharSequence CACHE_CONTROL = HttpHeaders.createOptimized(
      "public, max-age=" + MAX_AGE_SECONDS + ", stale-while-revalidate=30");
  private static final Buffer LIST_START = Buffer.buffer("{\"articles\":[");
  private static final Buffer COMMA = Buffer.buffer(",");
  private static final Buffer LIST_END = Buffer.buffer("]}");

  private final ReadCache<String, Rendered> cache;

  /** @param stats the live numbers of articles, in the order asked (e.g. {@code StatsQuery::many}) */
  public ArticlesHandler(ReadCache.Source<String, ArticleStats> stats, ReadCache.Settings settings) {
    Objects.requireNonNull(stats, "stats");
    this.cache = new ReadCache<>("articles", (ids, context) -> stats.load(ids, context)
        .map(list -> list.stream().map(s -> Rendered.of(s.toJson())).toList()), MAX_CACHED_ARTICLES, settings);
  }

  public void mount(Router router) {
    // Ids may contain '/' (e.g. "news/2026/x"), which ":id" would not match.
    // The name is the route label in metrics: readable, and never the article id.
    router.getWithRegex("/v1/articles/(?<id>.+)").setName("/v1/articles/:id").handler(this::one);
    router.get("/v1/articles").handler(this::many);
  }

  private void one(RoutingContext ctx) {
    one(ctx.request(), ctx.pathParam("id"));
  }

  /** {@code GET /v1/articles/{id}} with the id already decoded from the path. */
  public void one(HttpServerRequest request, String id) {
    if (!EventValidator.validArticle(id)) {
      Errors.send(request.response(), 400, "invalid_article",
          "article must be 1 to 128 characters of A-Z a-z 0-9 . _ : / -, starting with a letter or digit");
      return;
    }
    cache.get(id, Vertx.currentContext(), HttpCaching.staleAllowed(request))
        .onSuccess(c -> HttpCaching.send(request, CACHE_CONTROL, c.value().body(), c.value().etag(), c.ageSeconds(),
            c.storeFailing()))
        .onFailure(err -> unavailable(request));
  }

  private void many(RoutingContext ctx) {
    many(ctx.request(), ctx.request().getParam("ids"));
  }

  /** {@code GET /v1/articles?ids=...} with the query already decoded. */
  public void many(HttpServerRequest request, String raw) {
    if (raw == null || raw.isBlank()) {
      Errors.send(request.response(), 400, "missing_ids", "give ids=a,b,c (up to " + MAX_IDS + " article ids)");
      return;
    }
    List<String> ids = Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    if (ids.size() > MAX_IDS) {
      Errors.send(request.response(), 400, "too_many_ids", "at most " + MAX_IDS + " ids per request");
      return;
    }
    for (String id : ids) {
      if (!EventValidator.validArticle(id)) {
        Errors.send(request.response(), 400, "invalid_article", "not a valid article id: " + truncate(id));
        return;
      }
    }
    cache.getAll(ids, Vertx.currentContext(), HttpCaching.staleAllowed(request))
        .onSuccess(entries -> sendList(request, entries))
        .onFailure(err -> unavailable(request));
  }

  /** The answer is as old as its oldest part, and stale if any part is. */
  private static void sendList(HttpServerRequest request, List<Cached<Rendered>> entries) {
    int size = LIST_START.length() + LIST_END.length() + entries.size();
    long hash = entries.size();
    long age = 0;
    boolean failing = false;
    for (Cached<Rendered> entry : entries) {
      size += entry.value().body().length();
      hash = Rendered.combine(hash, entry.value().hash());
      age = Math.max(age, entry.ageSeconds());
      failing |= entry.storeFailing();
    }
    Buffer body = Buffer.buffer(size).appendBuffer(LIST_START);
    for (int i = 0; i < entries.size(); i++) {
      if (i > 0) {
        body.appendBuffer(COMMA);
      }
      body.appendBuffer(entries.get(i).value().body());
    }
    body.appendBuffer(LIST_END);
    HttpCaching.send(request, CACHE_CONTROL, body, Rendered.etag(hash), age, failing);
  }

  private static void unavailable(HttpServerRequest request) {
    request.response().putHeader("Retry-After", "1");
    Errors.send(request.response(), 503, "store_unavailable", "the live counts cannot be read right now");
  }

  private static String truncate(String id) {
    return id.length() > 40 ? id.substring(0, 40) + "..." : id;
  }
}
