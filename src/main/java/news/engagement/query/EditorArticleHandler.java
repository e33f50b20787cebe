package news.engagement.query;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Objects;
import news.engagement.ingest.EventValidator;
import news.engagement.presence.ArticlePresence;
import news.engagement.web.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/editor/articles/{id}}: everything about one article in one call ({@link EditorArticle}),
 * read live (not cached: a handful of editors, each looking at one article). Editors only: the guard is
 * mounted on {@code /v1/editor/*} before this. The article's sub-resources ({@code .../timeseries} and the
 * like) are other routes: the id may contain '/', so this route leaves paths ending in one of them alone.
 */
public final class EditorArticleHandler {
  private static final Logger LOG = LoggerFactory.getLogger(EditorArticleHandler.class);
  static final String PATH =
      "/v1/editor/articles/(?<id>(?!.*/(?:timeseries|metadata|sources|conversions|engaged)$).+)";

  /** One feature's part of an article (null when it has nothing to say). */
  @FunctionalInterface
  public interface Part<T> {
    Future<T> about(String article, Context context);
  }

  private final Part<ArticleStats> counts;
  private final Part<ArticlePresence> presence;
  private final TopSources sources;
  private volatile String lastFailure;

  public EditorArticleHandler(Part<ArticleStats> counts, Part<ArticlePresence> presence, TopSources sources) {
    this.counts = Objects.requireNonNull(counts, "counts");
    this.presence = Objects.requireNonNull(presence, "presence");
    this.sources = Objects.requireNonNull(sources, "sources");
  }

  public void mount(Router router) {
    router.getWithRegex(PATH).setName("/v1/editor/articles/:id").handler(this::one);
  }

  private void one(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!EventValidator.validArticle(id)) {
      Errors.send(ctx, 400, "invalid_article",
          "article must be 1 to 128 characters of A-Z a-z 0-9 . _ : / -, starting with a letter or digit");
      return;
    }
    Context context = ctx.vertx().getOrCreateContext();
    Future<ArticleStats> c = counts.about(id, context);
    Future<ArticlePresence> p = presence.about(id, context);
    Future<TopSource> s = sources.lastHour(List.of(id), context).map(tops -> tops.get(id));
    Future.all(c, p, s).map(done -> new EditorArticle(c.result(), p.result(), s.result()))
        .onSuccess(article -> {
          lastFailure = null;
          ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
              .end(article.toJson().toBuffer());
        })
        .onFailure(err -> {
          if (!Objects.equals(err.getMessage(), lastFailure)) {
            LOG.warn("Reading an article for the editor desk failed: {}", err.getMessage());
            lastFailure = err.getMessage();
          }
          ctx.response().putHeader("Retry-After", "1");
          Errors.send(ctx, 503, "store_unavailable", "the article's live numbers cannot be read right now");
        });
  }
}
