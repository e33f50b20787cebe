package news.engagement.history;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import news.engagement.metrics.EngagementMetrics;

/**
 * The flusher's meters, named by {@link EngagementMetrics}' constants. Prometheus shows them as
 * {@code engagement_clickhouse_flush_seconds}, {@code engagement_clickhouse_rows_total},
 * {@code engagement_clickhouse_insert_bytes} (count, sum, max),
 * {@code engagement_clickhouse_flush_failures_total} and {@code engagement_clickhouse_lag_seconds}.
 */
final class FlushMetrics {
  private final Timer flush;
  private final Counter rows;
  private final Counter failures;
  private final DistributionSummary insertBytes;
  private final AtomicLong lagSeconds = new AtomicLong();

  FlushMetrics(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    flush = Timer.builder(EngagementMetrics.CLICKHOUSE_FLUSH)
        .description("Time to flush dirty minutes from Redis into ClickHouse (read, insert, acknowledge)")
        .register(registry);
    rows = Counter.builder(EngagementMetrics.CLICKHOUSE_ROWS)
        .description("Rows inserted into ClickHouse (an article's minute is sent again each flush after it changed)")
        .register(registry);
    insertBytes = DistributionSummary.builder(EngagementMetrics.CLICKHOUSE_INSERT_BYTES).baseUnit("bytes")
        .description("Size of each INSERT body sent to ClickHouse (bounded by rows and bytes per insert)")
        .register(registry);
    failures = Counter.builder(EngagementMetrics.CLICKHOUSE_FLUSH_FAILURES)
        .description("Flushes to ClickHouse that failed and will be retried").register(registry);
    Gauge.builder(EngagementMetrics.CLICKHOUSE_LAG, lagSeconds, AtomicLong::get).baseUnit("seconds")
        .description("Age of the oldest counted change not yet in ClickHouse; 0 when none")
        .register(registry);
  }

  Timer flush() {
    return flush;
  }

  void inserted(int n) {
    rows.increment(n);
  }

  void body(FlushCycle.Body body) {
    insertBytes.record(body.bytes());
  }

  void failed() {
    failures.increment();
  }

  void lag(long seconds) {
    lagSeconds.set(seconds);
  }

  long lag() {
    return lagSeconds.get();
  }
}
