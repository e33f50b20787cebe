package news.engagement.query;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * The caching headers of a cached read answer, and {@code 304} when the reader already has it.
 * {@code Age} says how long ago the numbers were read from Redis (downstream caches count it against
 * {@code max-age}); {@code X-Stale-Reason: store-unavailable} marks an answer served from memory because
 * Redis could not be read.
 */
final class HttpCaching {
  static final CharSequence STALE_REASON = HttpHeaders.createOptimized("X-Stale-Reason");
  static final CharSequence STORE_UNAVAILABLE = HttpHeaders.createOptimized("store-unavailable");
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");

  private HttpCaching() {
  }

  /**
   * Whether the reader asked to revalidate ({@code Cache-Control: no-cache} or {@code max-age=0}, what a
   * browser's reload and the page script's {@code cache: 'no-cache'} send): it then gets nothing older
   * than the read cache's ttl while Redis answers.
   */
  static boolean staleAllowed(RoutingContext ctx) {
    return staleAllowed(ctx.request());
  }

  static boolean staleAllowed(HttpServerRequest request) {
    String asked = request.getHeader(HttpHeaders.CACHE_CONTROL);
    return asked == null || !(asked.contains("no-cache") || asked.contains("max-age=0"));
  }

  /** Writes the answer, or {@code 304} without a body when {@code If-None-Match} names its tag. */
  static void send(RoutingContext ctx, CharSequence cacheControl, Buffer body, String etag, long ageSeconds,
      boolean storeFailing) {
    send(ctx.request(), cacheControl, JSON, body, etag, ageSeconds, storeFailing);
  }

  static void send(HttpServerRequest request, CharSequence cacheControl, Buffer body, String etag, long ageSeconds,
      boolean storeFailing) {
    send(request, cacheControl, JSON, body, etag, ageSeconds, storeFailing);
  }

  /** The same for an answer of another type (the widget's HTML). */
  static void send(RoutingContext ctx, CharSequence cacheControl, CharSequence contentType, Buffer body, String etag,
      long ageSeconds, boolean storeFailing) {
    send(ctx.request(), cacheControl, contentType, body, etag, ageSeconds, storeFailing);
  }

  static void send(HttpServerRequest request, CharSequence cacheControl, CharSequence contentType, Buffer body,
      String etag, long ageSeconds, boolean storeFailing) {
    HttpServerResponse response = request.response();
    if (response.closed() || response.ended()) {
      return; // the reader left while the store was read
    }
    MultiMap headers = response.headers();
    headers.set(HttpHeaders.CACHE_CONTROL, cacheControl);
    headers.set(HttpHeaders.ETAG, etag);
    headers.set(HttpHeaders.AGE, Long.toString(ageSeconds));
    if (storeFailing) {
      headers.set(STALE_REASON, STORE_UNAVAILABLE);
    }
    if (matches(request.getHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
      response.setStatusCode(304).end();
      return;
    }
    headers.set(HttpHeaders.CONTENT_TYPE, contentType);
    response.end(body);
  }

  /** Weak comparison, as RFC 9110 asks for If-None-Match: {@code W/"x"} matches {@code "x"}; {@code *} any. */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.trim();
      if (tag.startsWith("W/")) {
        tag = tag.substring(2);
      }
      if (tag.equals(etag) || tag.equals("*")) {
        return true;
      }
    }
    return false;
  }
}
