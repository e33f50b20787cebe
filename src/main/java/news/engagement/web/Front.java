package news.engagement.web;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import java.util.Objects;
import news.engagement.ingest.EventsHandler;
import news.engagement.metrics.HttpMeters;
import news.engagement.query.ArticlesHandler;

/**
 * Every server's request handler. The two requests every article page makes (its view beacon,
 * {@code POST /v1/events}, and its counts, {@code GET /v1/articles/{id}} or {@code ?ids=}) go straight to
 * their handlers when they are plain: no query to decode (or a readable one), an id without escapes, a
 * declared body length within the limit, an origin {@link CorsCheck} allows. Everything else (and every
 * such request that is not plain) goes through the router, which answers it exactly as before: the
 * lanes only skip the router's per-request work (a routing context, route matching, the body handler),
 * about a tenth of the ingest path's samples.
 */
public final class Front implements Handler<HttpServerRequest> {
  static final String EVENTS = "/v1/events";
  static final String ARTICLES = "/v1/articles";
  private static final String ARTICLE_PREFIX = "/v1/articles/";
  /** The route labels the router gives the same requests (see the handlers' mount methods). */
  static final String ARTICLE_ROUTE = "/v1/articles/:id";

  private final Router router;
  private final EventsHandler events;
  private final ArticlesHandler articles;
  private final CorsCheck cors;
  private final HttpMeters meters;
  private final int maxBodyBytes;

  public Front(Router router, EventsHandler events, ArticlesHandler articles, CorsCheck cors, HttpMeters meters,
      int maxBodyBytes) {
    this.router = Objects.requireNonNull(router, "router");
    this.events = Objects.requireNonNull(events, "events");
    this.articles = Objects.requireNonNull(articles, "articles");
    this.cors = Objects.requireNonNull(cors, "cors");
    this.meters = Objects.requireNonNull(meters, "meters");
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public void handle(HttpServerRequest request) {
    if (!(ingest(request) || read(request))) {
      router.handle(request);
    }
  }

  private boolean ingest(HttpServerRequest request) {
    if (request.method() != HttpMethod.POST || !EVENTS.equals(request.path()) || request.query() != null) {
      return false;
    }
    long length = declaredLength(request);
    if (length < 0 || length > maxBodyBytes || !cors.allow(request)) {
      return false; // chunked, too large, or a refused origin: the router's body handler and CORS answer
    }
    meters.measure(request, EVENTS);
    request.body().onSuccess(body -> events.handle(request, body));
    return true;
  }

  private boolean read(HttpServerRequest request) {
    if (request.method() != HttpMethod.GET) {
      return false;
    }
    String path = request.path();
    if (path.startsWith(ARTICLE_PREFIX)) {
      String id = path.substring(ARTICLE_PREFIX.length());
      if (request.query() != null || !plainId(id) || !cors.allow(request)) {
        return false;
      }
      meters.measure(request, ARTICLE_ROUTE);
      articles.one(request, id);
      return true;
    }
    if (ARTICLES.equals(path) && request.query() != null) {
      String ids;
      try {
        ids = request.getParam("ids");
      } catch (IllegalArgumentException malformed) {
        return false; // the router answers 400 invalid_query
      }
      if (!cors.allow(request)) {
        return false;
      }
      meters.measure(request, ARTICLES);
      articles.many(request, ids);
      return true;
    }
    return false;
  }

  /** No escapes to decode and nothing the router's path normalisation would change ("a/./b", "a//b"). */
  private static boolean plainId(String id) {
    return !id.isEmpty() && id.indexOf('%') < 0 && !id.contains("/.") && !id.contains("//") && !id.endsWith("/");
  }

  /** The declared Content-Length, or -1 when there is none (chunked) or it is not a number. */
  private static long declaredLength(HttpServerRequest request) {
    String value = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
