package news.engagement.query;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import news.engagement.web.Errors;
import news.engagement.web.Html;

/**
 * {@code GET /v1/widgets/most-read?section=&window=&limit=}: a "most read" box any site can embed without
 * code ({@code <iframe src=...>}): a small styled HTML document listing titles with links, from the same
 * lists as {@code /v1/top} (views). Cached like the other public reads (read cache, {@code Cache-Control},
 * {@code ETag}); every text escaped, and its own policy allows no script at all, so a title holding
 * markup shows as text and nothing in it can run.
 */
public final class WidgetHandler {
  static final int DEFAULT_LIMIT = 5;
  static final int MAX_LIMIT = 20;
  static final CharSequence HTML = HttpHeaders.createOptimized("text/html; charset=utf-8");
  /** No script, no plugin, no base, no form; styles only inline; embeddable anywhere (it is public). */
  static final String POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";
  private static final Map<Window, CharSequence> CACHE_CONTROL = new EnumMap<>(Window.class);
  private static final String STYLE = "body{margin:0;font:15px/1.35 Georgia,'Times New Roman',serif;color:#1a1a1a;"
      + "background:#fff}.most-read{border-top:3px solid #b3122e;padding:8px 2px}h2{font:700 13px/1.2 "
      + "system-ui,sans-serif;letter-spacing:.06em;text-transform:uppercase;margin:0 0 6px;color:#b3122e}"
      + "ol{margin:0;padding:0 0 0 22px}li{margin:0 0 7px}a{color:#1a1a1a;text-decoration:none}"
      + "a:hover{text-decoration:underline}.section{display:block;font:12px system-ui,sans-serif;color:#6b6b6b}"
      + ".empty{font:13px system-ui,sans-serif;color:#6b6b6b}";

  static {
    for (Window window : Window.values()) {
      CACHE_CONTROL.put(window, HttpHeaders.createOptimized("public, max-age=" + TopHandler.maxAgeSeconds(window)
          + ", stale-while-revalidate=" + 2 * TopHandler.maxAgeSeconds(window)));
    }
  }

  record Key(Window window, int limit, String section) {
  }

  private final ReadCache<Key, Rendered> cache;

  public WidgetHandler(TopHandler.Source source, ReadCache.Settings settings) {
    Objects.requireNonNull(source, "source");
    this.cache = new ReadCache<>("widget", ReadCache.Source.oneByOne((Key key, Context context) -> source
        .top(Metric.VIEWS, key.window(), key.section(), key.limit(), context)
        .map(list -> Rendered.of(Buffer.buffer(render(list, key.section()), "UTF-8")))),
        Window.values().length * MAX_LIMIT * 4, settings);
  }

  public void mount(Router router) {
    router.get("/v1/widgets/most-read").handler(this::widget);
  }

  private void widget(RoutingContext ctx) {
    Key key;
    try {
      String raw = ctx.request().getParam("limit");
      int limit = raw == null ? DEFAULT_LIMIT : Params.limit(ctx);
      if (limit > MAX_LIMIT) {
        throw new Params.BadParam("invalid_limit", "the widget lists at most " + MAX_LIMIT + " articles");
      }
      key = new Key(Params.window(ctx, TopHandler.DEFAULT_WINDOW), limit, Params.section(ctx));
    } catch (Params.BadParam bad) {
      Errors.send(ctx, 400, bad.code, bad.getMessage());
      return;
    }
    cache.get(key, ctx.vertx().getOrCreateContext(), HttpCaching.staleAllowed(ctx))
        .onSuccess(c -> {
          ctx.response().putHeader("Content-Security-Policy", POLICY).putHeader("X-Content-Type-Options", "nosniff");
          HttpCaching.send(ctx, CACHE_CONTROL.get(key.window()), HTML, c.value().body(), c.value().etag(),
              c.ageSeconds(), c.storeFailing());
        })
        .onFailure(err -> {
          ctx.response().putHeader("Retry-After", "1");
          Errors.send(ctx, 503, "store_unavailable", "the most read list cannot be read right now");
        });
  }

  /** The box: escaped text only; links only to the http(s) addresses metadata holds, opened in the embedding page. */
  static String render(TopList list, String sectionKey) {
    StringBuilder html = new StringBuilder(2048);
    String heading = "Most read";
    if (sectionKey != null) {
      String shown = list.items().stream().map(TopItem::label).filter(Objects::nonNull).map(Label::section)
          .filter(Objects::nonNull).findFirst().orElse(sectionKey);
      heading = "Most read in " + shown;
    }
    html.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<meta name=\"referrer\" content=\"strict-origin-when-cross-origin\">")
        .append("<title>").append(Html.escape(heading)).append("</title><style>").append(STYLE)
        .append("</style></head><body><section class=\"most-read\"><h2>").append(Html.escape(heading)).append("</h2>");
    if (list.items().isEmpty()) {
      html.append("<p class=\"empty\">Nothing read yet.</p>");
    } else {
      html.append("<ol>");
      for (TopItem item : list.items()) {
        Label label = item.label();
        String title = label != null && label.title() != null ? label.title() : item.article();
        html.append("<li data-article=\"").append(Html.escape(item.article())).append("\">");
        if (label != null && label.url() != null) {
          html.append("<a href=\"").append(Html.escape(label.url())).append("\" target=\"_top\">")
              .append(Html.escape(title)).append("</a>");
        } else {
          html.append("<span class=\"title\">").append(Html.escape(title)).append("</span>");
        }
        if (label != null && label.section() != null && sectionKey == null) {
          html.append("<span class=\"section\">").append(Html.escape(label.section())).append("</span>");
        }
        html.append("</li>");
      }
      html.append("</ol>");
    }
    return html.append("</section></body></html>").toString();
  }
}
