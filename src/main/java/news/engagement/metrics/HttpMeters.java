package news.engagement.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The HTTP server's requests and response times, recorded with meters looked up once per
 * (method, route, status) instead of once per request: Vert.x's own server metrics built and looked up
 * five meters by tags on every request, about 16 % of the ingest path's samples. The names and labels
 * are those Vert.x used ({@code vertx_http_server_requests_total}, {@code vertx_http_server_response_time_seconds},
 * labels {@code method}, {@code code}, {@code route}), so dashboards and alerts read them unchanged.
 * {@code route} is a route's name or pattern, never the request path; methods outside the standard set
 * are labelled {@code OTHER}, so no client can add series.
 */
public final class HttpMeters {
  static final String REQUESTS = "vertx.http.server.requests";
  private static final Set<HttpMethod> KNOWN = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PUT,
      HttpMethod.DELETE, HttpMethod.OPTIONS, HttpMethod.PATCH);

  private final MeterRegistry registry;
  private final ConcurrentHashMap<Key, Meters> meters = new ConcurrentHashMap<>();

  /** Looked up per request: hash and equality written out, not a record's (method handles, per call). */
  private record Key(String method, String route, int code) {
    @Override
    public int hashCode() {
      return (Objects.hashCode(route) * 31 + code) * 31 + method.hashCode();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && code == k.code && Objects.equals(route, k.route) && method.equals(k.method);
    }
  }

  private record Meters(Counter requests, Timer time) {
  }

  public HttpMeters(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /** Records the request when its response has been sent (or the connection closed first). */
  public void measure(HttpServerRequest request, String route) {
    long start = System.nanoTime();
    request.response().endHandler(v -> record(request.method(), route, request.response().getStatusCode(),
        System.nanoTime() - start));
  }

  /**
   * The same for a request the router handles, whose route is known only once it has chosen one; through
   * the routing context's end handlers, which vertx-web shares with any other handler that needs one.
   */
  public void measure(RoutingContext ctx, Supplier<String> route) {
    long start = System.nanoTime();
    ctx.addEndHandler(v -> record(ctx.request().method(), route.get(), ctx.response().getStatusCode(),
        System.nanoTime() - start));
  }

  void record(HttpMethod method, String route, int code, long nanos) {
    String name = KNOWN.contains(method) ? method.name() : "OTHER";
    Key key = new Key(name, route, code);
    Meters m = meters.get(key);
    if (m == null) {
      m = meters.computeIfAbsent(key, k -> new Meters(
          Counter.builder(REQUESTS).description("HTTP requests answered")
              .tags("method", k.method(), "code", Integer.toString(k.code()), "route", k.route()).register(registry),
          Timer.builder(MeteredVertx.HTTP_SERVER_RESPONSE_TIME).description("HTTP response time")
              .tags("method", k.method(), "code", Integer.toString(k.code()), "route", k.route()).register(registry)));
    }
    m.requests().increment();
    m.time().record(nanos, TimeUnit.NANOSECONDS);
  }
}
