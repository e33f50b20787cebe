package news.engagement.conversions;

import io.vertx.core.Context;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import news.engagement.ingest.EventValidator;
import news.engagement.query.ReadCache;
import news.engagement.query.Window;
import news.engagement.web.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/editor/articles/{id}/conversions?window=1h|24h|7d} and
 * {@code GET /v1/editor/conversions?goal=&window=&limit=}, through the read cache like the public reads.
 * Editors only: the guard ({@link news.engagement.web.EditorAuth}) is mounted on {@code /v1/editor/*} first.
 */
final class ConversionsHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ConversionsHandler.class);
  private static final int MAX_LIMIT = 100;
  private static final int MAX_CACHED_ARTICLES = 10_000;
  private static final String CACHE_CONTROL = "private, max-age=5";
  private static final List<Window> ARTICLE_WINDOWS = List.of(Window.HOUR, Window.DAY, Window.WEEK);

  record ArticleKey(String article, Window window) {
  }

  /** {@code goal} null: all goals summed. */
  record ListKey(String goal, Window window, int limit) {
  }

  private final List<String> goals;
  private final ReadCache<ArticleKey, JsonObject> articles;
  private final ReadCache<ListKey, JsonObject> lists;
  private volatile String lastFailure;

  ConversionsHandler(ConversionReads reads, List<String> goals, ReadCache.Settings settings) {
    Objects.requireNonNull(reads, "reads");
    this.goals = List.copyOf(goals);
    this.articles = new ReadCache<>("conversions", ReadCache.Source.oneByOne((ArticleKey key, Context context) ->
        reads.article(key.article(), key.window(), context)), MAX_CACHED_ARTICLES, settings);
    this.lists = new ReadCache<>("conversion_lists", ReadCache.Source.oneByOne((ListKey key, Context context) ->
        reads.list(key.goal(), key.window(), key.limit(), context)),
        (goals.size() + 1) * Window.values().length * MAX_LIMIT, settings);
  }

  void mount(Router router) {
    // Article ids may hold '/': the id is everything between the prefix and the last segment.
    router.getWithRegex("/v1/editor/articles/(?<id>.+)/conversions").setName("/v1/editor/articles/:id/conversions")
        .handler(this::article);
    router.get("/v1/editor/conversions").handler(this::list);
  }

  private void article(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!EventValidator.validArticle(id)) {
      Errors.send(ctx, 400, "invalid_article", "article ids are 1 to 128 characters of A-Z a-z 0-9 . _ : / -");
      return;
    }
    Optional<Window> window = Window.parse(ctx.request().getParam("window", "24h")).filter(ARTICLE_WINDOWS::contains);
    if (window.isEmpty()) {
      Errors.send(ctx, 400, "invalid_window", "window must be one of 1h, 24h, 7d");
      return;
    }
    articles.get(new ArticleKey(id, window.get()), ctx.vertx().getOrCreateContext())
        .onSuccess(c -> send(ctx, c.value(), c.ageSeconds()))
        .onFailure(err -> unavailable(ctx, err));
  }

  private void list(RoutingContext ctx) {
    String goal = ctx.request().getParam("goal");
    if (goal != null && !goals.contains(goal)) {
      Errors.send(ctx, 400, "invalid_goal", "goal must be one of " + String.join(", ", goals)
          + " (or left out for all goals summed)");
      return;
    }
    Optional<Window> window = Window.parse(ctx.request().getParam("window", "24h"));
    if (window.isEmpty()) {
      Errors.send(ctx, 400, "invalid_window", "window must be one of 1h, 24h, 7d, 30d");
      return;
    }
    String raw = ctx.request().getParam("limit", "10");
    int limit = raw.matches("\\d{1,3}") ? Integer.parseInt(raw) : -1;
    if (limit < 1 || limit > MAX_LIMIT) {
      Errors.send(ctx, 400, "invalid_limit", "limit must be a whole number from 1 to " + MAX_LIMIT);
      return;
    }
    lists.get(new ListKey(goal, window.get(), limit), ctx.vertx().getOrCreateContext())
        .onSuccess(c -> send(ctx, c.value(), c.ageSeconds()))
        .onFailure(err -> unavailable(ctx, err));
  }

  private static void send(RoutingContext ctx, JsonObject body, long ageSeconds) {
    if (ctx.response().closed() || ctx.response().ended()) {
      return;
    }
    ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", CACHE_CONTROL)
        .putHeader("Age", Long.toString(ageSeconds)).end(body.toBuffer());
  }

  private void unavailable(RoutingContext ctx, Throwable err) {
    if (!Objects.equals(err.getMessage(), lastFailure)) {
      LOG.warn("Reading conversions from Redis failed: {}", err.getMessage());
      lastFailure = err.getMessage();
    }
    ctx.response().putHeader("Retry-After", "1");
    Errors.send(ctx, 503, "store_unavailable", "conversions cannot be read right now");
  }
}
