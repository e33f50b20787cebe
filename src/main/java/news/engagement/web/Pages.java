package news.engagement.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The service's own pages and the page script: {@code /tracker.js}, the demo article at
 * {@code /demo/article} and the editor page at {@code /editor}. Files live next to this class as
 * resources; each is read once, off the event loop, and kept in memory.
 */
public final class Pages {
  /** The article the demo page shows when no {@code ?id=} is given. */
  public static final String DEMO_ARTICLE = "2026-02-07-strategic-courtesy-yerevan-moscow";
  static final String TRACKER_CACHE = "public, max-age=300";
  static final String ASSET_CACHE = "public, max-age=300";
  /** Our pages load nothing from anywhere else: scripts, styles and data all come from this service. */
  static final String PAGE_POLICY = "default-src 'self'; img-src 'self' data:; script-src 'self'; "
      + "style-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  private static final String RESOURCES = "news/engagement/web/";
  private static final String JS = "text/javascript; charset=utf-8";
  private static final String CSS = "text/css; charset=utf-8";
  private static final String HTML = "text/html; charset=utf-8";

  private final Vertx vertx;
  private final Predicate<String> validArticle;
  private final Map<String, Future<Buffer>> files = new ConcurrentHashMap<>();

  /** {@code validArticle} is the ingest rule for article ids, so the demo page only shows ids that can count. */
  public Pages(Vertx vertx, Predicate<String> validArticle) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.validArticle = Objects.requireNonNull(validArticle, "validArticle");
  }

  public void mount(Router router) {
    router.get("/tracker.js").handler(ctx -> file(ctx, "tracker.js", JS, TRACKER_CACHE));
    router.get("/demo/article").handler(this::demoArticle);
    router.get("/demo/demo.js").handler(ctx -> file(ctx, "demo.js", JS, ASSET_CACHE));
    router.get("/demo/demo.css").handler(ctx -> file(ctx, "demo.css", CSS, ASSET_CACHE));
    router.get("/editor").handler(ctx -> page(ctx, "editor.html", "no-store"));
    router.get("/editor/editor.js").handler(ctx -> file(ctx, "editor.js", JS, ASSET_CACHE));
    router.get("/editor/editor.css").handler(ctx -> file(ctx, "editor.css", CSS, ASSET_CACHE));
  }

  private void demoArticle(RoutingContext ctx) {
    String id = ctx.request().getParam("id", DEMO_ARTICLE);
    if (!validArticle.test(id)) {
      Errors.send(ctx, 400, "invalid_article",
          "id must be 1 to 128 characters of A-Z a-z 0-9 . _ : / -, starting with a letter or digit");
      return;
    }
    load("demo-article.html")
        .map(template -> template.toString(StandardCharsets.UTF_8)
            // Valid ids hold no HTML metacharacters; the pixel's query still gets proper URL encoding.
            .replace("{{article-url}}", URLEncoder.encode(id, StandardCharsets.UTF_8))
            .replace("{{article}}", id))
        .onSuccess(html -> htmlHeaders(ctx, "no-cache").end(html))
        .onFailure(ctx::fail);
  }

  private void page(RoutingContext ctx, String name, String cacheControl) {
    load(name).onSuccess(body -> htmlHeaders(ctx, cacheControl).end(body)).onFailure(ctx::fail);
  }

  private void file(RoutingContext ctx, String name, String contentType, String cacheControl) {
    load(name).onSuccess(body -> ctx.response()
            .putHeader("Content-Type", contentType)
            .putHeader("Cache-Control", cacheControl)
            .putHeader("X-Content-Type-Options", "nosniff")
            .end(body))
        .onFailure(ctx::fail);
  }

  HttpServerResponse htmlHeaders(RoutingContext ctx, String cacheControl) {
    return ctx.response()
        .putHeader("Content-Type", HTML)
        .putHeader("Cache-Control", cacheControl)
        .putHeader("Content-Security-Policy", PAGE_POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "strict-origin-when-cross-origin");
  }

  /** Reads a resource once, on a worker thread; later requests reuse the same buffer. */
  Future<Buffer> load(String name) {
    Future<Buffer> loaded = files.computeIfAbsent(name, n -> vertx.executeBlocking(() -> read(RESOURCES + n), false));
    loaded.onFailure(err -> files.remove(name, loaded));
    return loaded;
  }

  private static Buffer read(String path) {
    try (InputStream in = Pages.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
