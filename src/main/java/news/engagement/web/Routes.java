package news.engagement.web;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import news.engagement.metrics.HttpMeters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the one router of the service. Each feature mounts its own routes through a
 * {@code Consumer<Router>}, so adding a feature never touches another's handlers.
 */
public final class Routes {
  private static final Logger LOG = LoggerFactory.getLogger(Routes.class);
  /** Public API paths that browsers on the configured origins may call; editor routes are not among them. */
  private static final String PUBLIC_API = "^/v1/(?!editor/).*";
  private static final Set<String> QUERY_EXEMPT = Set.of("/v1/pixel.gif");

  private Routes() {
  }

  public static Router build(Vertx vertx, List<String> corsOrigins, int maxBodyBytes, HttpMeters meters,
      List<Consumer<Router>> features) {
    Router router = Router.router(vertx);
    router.route().handler(ctx -> {
      meters.measure(ctx, () -> routeLabel(ctx.currentRoute()));
      ctx.next();
    });
    router.route().handler(Routes::queryDecodes);
    if (!corsOrigins.isEmpty()) {
      CorsHandler cors = CorsHandler.create()
          .addOrigins(corsOrigins)
          .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST))
          .allowedHeader("Content-Type")
          .maxAgeSeconds(86_400);
      // The service's own pages (demo article, editor) post with an Origin naming this host: not cross-origin.
      router.routeWithRegex(PUBLIC_API).handler(ctx -> {
        if (CorsCheck.sameOrigin(ctx.request(), ctx.request().getHeader("Origin"))) {
          ctx.next();
        } else {
          if (ctx.request().getHeader("Origin") != null) {
            // The answer names the origin: a shared cache must not give it to a page of another origin.
            ctx.response().headers().add("Vary", "Origin");
          }
          cors.handle(ctx);
        }
      });
    }
    router.post("/v1/events").handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes));
    features.forEach(feature -> feature.accept(router));

    jsonErrors(router, maxBodyBytes);
    return router;
  }

  /** A route's name, else its path; "" when the router matched none of the features' routes (404s). */
  private static String routeLabel(Route route) {
    if (route == null) {
      return "";
    }
    String name = route.getName() != null ? route.getName() : route.getPath();
    return name == null ? "" : name;
  }

  /**
   * Decodes the query string once, before any feature reads it: a malformed {@code %}-escape is the
   * client's error (400), not a failure deep in a handler (500 and a stack trace per junk request).
   * The pixel is exempt: it answers its GIF whatever it is sent, and ignores what it cannot read.
   */
  private static void queryDecodes(RoutingContext ctx) {
    if (!QUERY_EXEMPT.contains(ctx.request().path())) {
      try {
        ctx.request().params();
      } catch (IllegalArgumentException e) {
        Errors.send(ctx, 400, "invalid_query", "the query string is not valid URL encoding: " + shorten(e.getMessage()));
        return;
      }
    }
    ctx.next();
  }

  /** Every failure the router itself answers, in the API's JSON shape instead of Vert.x's plain text. */
  private static void jsonErrors(Router router, int maxBodyBytes) {
    router.errorHandler(400, ctx -> Errors.send(ctx, 400, "bad_request", "the request cannot be read"));
    router.errorHandler(403, ctx -> Errors.send(ctx, 403, "forbidden",
        "this origin may not call the API (CORS_ORIGINS)"));
    router.errorHandler(404, ctx -> Errors.send(ctx, 404, "not_found", "no such resource: "
        + shorten(ctx.request().path())));
    router.errorHandler(405, ctx -> Errors.send(ctx, 405, "method_not_allowed", "this resource does not take "
        + ctx.request().method()));
    router.errorHandler(406, ctx -> Errors.send(ctx, 406, "not_acceptable", "the answer is JSON"));
    router.errorHandler(413, ctx -> Errors.send(ctx, 413, "body_too_large", "a request may carry at most "
        + maxBodyBytes + " bytes"));
    router.errorHandler(415, ctx -> Errors.send(ctx, 415, "unsupported_media_type", "send JSON or text/plain"));
    router.errorHandler(500, ctx -> {
      if (isClientJunk(ctx.failure())) {
        Errors.send(ctx, 400, "bad_request", "the request cannot be read: " + shorten(ctx.failure().getMessage()));
        return;
      }
      if (ctx.failure() != null) {
        LOG.error("Unhandled failure on {} {}", ctx.request().method(), ctx.request().path(), ctx.failure());
      }
      Errors.send(ctx, 500, "internal", "something went wrong on our side");
    });
  }

  /** Decoding errors of what the client sent (escapes, charsets) surface as IllegalArgumentException. */
  private static boolean isClientJunk(Throwable failure) {
    return failure instanceof IllegalArgumentException;
  }

  /** Client text echoed in an error, cut so junk cannot make answers (or logs) large. */
  private static String shorten(String text) {
    return text == null ? "" : text.length() > 80 ? text.substring(0, 80) + "..." : text;
  }

}
