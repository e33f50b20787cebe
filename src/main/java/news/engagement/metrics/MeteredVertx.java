package news.engagement.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.UUID;

/**
 * Creates the Vert.x instance with its HTTP client metrics (calls to ClickHouse) recorded in the given
 * registry, labelled by method and status code. The HTTP server's own meters are {@link HttpMeters}.
 */
public final class MeteredVertx {
  /** Vert.x's HTTP server response timer; its histogram gives the dashboards' p50/p99 latency. */
  static final String HTTP_SERVER_RESPONSE_TIME = "vertx.http.server.response.time";
  /** Prefix of every meter Vert.x registers. */
  static final String VERTX_METERS = "vertx.";
  private static final Duration FASTEST_EXPECTED = Duration.ofMillis(1);
  private static final Duration SLOWEST_EXPECTED = Duration.ofSeconds(10);

  private MeteredVertx() {
  }

  public static Vertx create(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    registry.config().meterFilter(latencyHistogram()).meterFilter(noVertxGauges());
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        // Vert.x keeps backends in a static map by name: a name of its own per instance keeps tests that
        // run several services in one JVM from sharing (or closing) each other's registry.
        .setRegistryName("engagement-" + UUID.randomUUID())
        .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE))
        // JVM meters are bound by JvmMeters; the event bus is not used.
        .setJvmMetricsEnabled(false)
        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
        // The server's requests and latency are recorded by HttpMeters (same names, meters looked up once).
        .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)
        // Per-socket byte counters cost on every read and write of the ingest path; no panel uses them.
        .addDisabledMetricsCategory(MetricsDomain.NET_SERVER)
        .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT)
        .addDisabledMetricsCategory(MetricsDomain.DATAGRAM_SOCKET)
        .addDisabledMetricsCategory(MetricsDomain.NAMED_POOLS);
    return Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(metrics).setPreferNativeTransport(true))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
  }

  /**
   * Vert.x's gauges (active connections, active requests) are registered again on every new connection
   * and request: vertx-micrometer-metrics relies on the registry ignoring a repeated registration, and
   * Micrometer since 1.13.9 logs a WARN for the first repeat (vert-x3/vertx-micrometer-metrics#259,
   * micrometer-metrics/micrometer#6931). A denied meter is never registered, so it cannot be repeated.
   * No dashboard or alert reads those gauges; the counters and timers of the same families stay.
   */
  private static MeterFilter noVertxGauges() {
    return MeterFilter.deny(id -> id.getType() == Meter.Type.GAUGE && id.getName().startsWith(VERTX_METERS));
  }

  /** Histogram buckets for the HTTP server response time only, bounded to 1 ms .. 10 s. */
  private static MeterFilter latencyHistogram() {
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (!id.getName().equals(HTTP_SERVER_RESPONSE_TIME)) {
          return config;
        }
        return DistributionStatisticConfig.builder()
            .percentilesHistogram(true)
            .minimumExpectedValue((double) FASTEST_EXPECTED.toNanos())
            .maximumExpectedValue((double) SLOWEST_EXPECTED.toNanos())
            .build()
            .merge(config);
      }
    };
  }
}
