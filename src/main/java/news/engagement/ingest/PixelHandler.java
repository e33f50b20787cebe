package news.engagement.ingest;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.Base64;
import java.util.Objects;
import news.engagement.visitor.VisitorIds;

/**
 * {@code GET /v1/pixel.gif?article=ID&type=view[&vid=...][&url=...][&referrer=...]}: for pages without scripts (AMP, noscript,
 * e-mail). Always the 43-byte transparent GIF, never an error page: bad input simply does not count.
 */
public final class PixelHandler implements Handler<RoutingContext> {
  /** The classic 1x1 transparent GIF89a. */
  static final Buffer GIF = Buffer.buffer(Base64.getDecoder().decode(
      "R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="));

  private final Intake intake;
  private final EventsHandler events;
  private final RateLimiter rateLimiter;

  public PixelHandler(Intake intake, EventsHandler events, RateLimiter rateLimiter) {
    this.intake = Objects.requireNonNull(intake, "intake");
    this.events = Objects.requireNonNull(events, "events");
    this.rateLimiter = Objects.requireNonNull(rateLimiter, "rateLimiter");
  }

  @Override
  public void handle(RoutingContext ctx) {
    try {
      count(ctx);
    } catch (IllegalArgumentException malformedQuery) {
      // e.g. "%zz" in the query: junk does not count, and is not worth a log line per request
    } finally {
      ctx.response().setStatusCode(200)
          .putHeader("Content-Type", "image/gif")
          .putHeader("Cache-Control", "no-store, no-cache, must-revalidate, max-age=0")
          .putHeader("Pragma", "no-cache")
          .end(GIF);
    }
  }

  private void count(RoutingContext ctx) {
    String article = ctx.request().getParam("article");
    String type = ctx.request().getParam("type", "view");
    String vid = ctx.request().getParam("vid");
    if (!"view".equals(type) || !EventValidator.validArticle(article)
        || (vid != null && !VisitorIds.validVid(vid))) {
      return;
    }
    String client = events.client(ctx);
    if (rateLimiter.take(client, 1) == 1) {
      String url = text(ctx.request().getParam("url"));
      url = url != null ? url : text(ctx.request().getHeader("Referer"));
      intake.accept(Event.view(article, vid, url, text(ctx.request().getParam("referrer"))),
          intake.sender(client, ctx.request().getHeader("User-Agent")));
    }
  }

  /** The page's address (the {@code url} parameter, else the request's {@code Referer}) and the page's referrer, as untrusted text. */
  private static String text(String value) {
    return value == null || value.isEmpty() || value.length() > 2048 ? null : value;
  }
}
