package news.engagement.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;

/**
 * {@code GET /metrics}: every meter of the registry in the Prometheus text format (0.0.4), which every
 * Prometheus version reads. Rendering is in-memory work proportional to the (low) number of series.
 */
public final class MetricsHandler implements Handler<RoutingContext> {
  public static final String PATH = "/metrics";
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;

  public MetricsHandler(PrometheusMeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  public void mount(Router router) {
    router.get(PATH).handler(this);
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Type", CONTENT_TYPE)
        .putHeader("Cache-Control", "no-store")
        .end(registry.scrape());
  }
}
