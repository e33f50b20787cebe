package news.engagement.web;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.util.List;
import java.util.Set;

/**
 * {@code CORS_ORIGINS} for the public API's simple requests (a page's GET of counts, its beacon POST):
 * the router's {@code CorsHandler} does the same for every other route, and answers preflights and
 * refusals; the fast lanes ask this first and leave anything it does not allow to the router.
 */
public final class CorsCheck {
  private static final CharSequence ORIGIN = HttpHeaders.createOptimized("Origin");
  private final Set<String> origins;

  public CorsCheck(List<String> origins) {
    this.origins = Set.copyOf(origins);
  }

  /**
   * True when the request may be answered here, after adding what the {@code CorsHandler} would add
   * ({@code Access-Control-Allow-Origin} naming the origin, {@code Vary: Origin}); false when the router
   * should take it (a stranger's origin: it answers 403).
   */
  public boolean allow(HttpServerRequest request) {
    if (origins.isEmpty()) {
      return true; // no CorsHandler is mounted: no CORS headers, no refusal
    }
    String origin = request.getHeader(ORIGIN);
    if (origin == null || sameOrigin(request, origin)) {
      return true;
    }
    if (!origins.contains(origin)) {
      return false;
    }
    request.response().headers()
        .set(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
        .add(HttpHeaders.VARY, ORIGIN);
    return true;
  }

  /** Compares host and port only: a TLS proxy in front often turns https into http on the way in. */
  static boolean sameOrigin(HttpServerRequest request, String origin) {
    HostAndPort authority = request.authority();
    if (origin == null || authority == null) {
      return false;
    }
    int scheme = origin.indexOf("://");
    return scheme > 0 && origin.substring(scheme + 3).equalsIgnoreCase(authority.toString());
  }
}
