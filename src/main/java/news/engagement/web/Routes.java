package news.engagement.web;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
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

  private Routes() {
  }

  public static Router build(Vertx vertx, List<String> corsOrigins, int maxBodyBytes, List<Consumer<Router>> features) {
    Router router = Router.router(vertx);
    if (!corsOrigins.isEmpty()) {
      CorsHandler cors = CorsHandler.create()
          .addOrigins(corsOrigins)
          .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST))
          .allowedHeader("Content-Type")
          .maxAgeSeconds(86_400);
      // The service's own pages (demo article, editor) post with an Origin naming this host: not cross-origin.
      router.routeWithRegex(PUBLIC_API).handler(ctx -> {
        if (sameOrigin(ctx.request())) {
          ctx.next();
        } else {
          cors.handle(ctx);
        }
      });
    }
    router.post("/v1/events").handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes));
    features.forEach(feature -> feature.accept(router));

    router.errorHandler(404, ctx -> Errors.send(ctx, 404, "not_found", "no such resource: " + ctx.request().path()));
    router.errorHandler(405, ctx -> Errors.send(ctx, 405, "method_not_allowed", "this resource does not take " + ctx.request().method()));
    router.errorHandler(413, ctx -> Errors.send(ctx, 413, "body_too_large", "a request may carry at most " + maxBodyBytes + " bytes"));
    router.errorHandler(500, ctx -> {
      if (ctx.failure() != null) {
        LOG.error("Unhandled failure on {} {}", ctx.request().method(), ctx.request().path(), ctx.failure());
      }
      Errors.send(ctx, 500, "internal", "something went wrong on our side");
    });
    return router;
  }

  /** Compares host and port only: a TLS proxy in front often turns https into http on the way in. */
  private static boolean sameOrigin(HttpServerRequest request) {
    String origin = request.getHeader("Origin");
    HostAndPort authority = request.authority();
    if (origin == null || authority == null) {
      return false;
    }
    int scheme = origin.indexOf("://");
    return scheme > 0 && origin.substring(scheme + 3).equalsIgnoreCase(authority.toString());
  }
}
