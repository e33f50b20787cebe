package news.engagement.web;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * {@code GET /}: what this service is, with links to the demo article, the editor desk, the metrics and
 * the readiness probe, and the tracker snippet for this host. The only values put into the page are the
 * request's own host (a header anyone can set) and whether the editor desk is on: both are escaped.
 */
public final class IndexPage {
  private static final String TEMPLATE = "index.html";

  private final Pages pages;
  private final boolean editorEnabled;

  /** {@code editorEnabled}: whether an editor token is configured, so the page can say why the desk is off. */
  public IndexPage(Pages pages, boolean editorEnabled) {
    this.pages = Objects.requireNonNull(pages, "pages");
    this.editorEnabled = editorEnabled;
  }

  public void mount(Router router) {
    router.get("/").handler(this::index);
  }

  private void index(RoutingContext ctx) {
    String origin = origin(ctx.request());
    pages.load(TEMPLATE)
        .map(template -> template.toString(StandardCharsets.UTF_8)
            .replace("{{origin}}", Html.escape(origin))
            .replace("{{editor-class}}", editorEnabled ? "ok" : "warn")
            .replace("{{editor-status}}", Html.escape(editorEnabled
                ? "On: sign in with the service's EDITOR_TOKEN."
                : "Off: this service runs without EDITOR_TOKEN, so the editor API answers 503.")))
        .onSuccess(html -> pages.htmlHeaders(ctx, "no-cache").end(html))
        .onFailure(ctx::fail);
  }

  /** Scheme and host as the browser used them; a bare path when the request named no host. */
  private static String origin(HttpServerRequest request) {
    HostAndPort authority = request.authority();
    return authority == null ? "" : request.scheme() + "://" + authority;
  }
}
