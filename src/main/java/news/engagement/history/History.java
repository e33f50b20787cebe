package news.engagement.history;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import news.engagement.Background;
import news.engagement.config.Config;
import news.engagement.counting.Keys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history feature, wired: the ClickHouse client, the schema installer, the minute flusher and the
 * timeseries endpoint. {@link #start()} never waits for ClickHouse; {@link #stop()} flushes once more and
 * so belongs after the batcher has drained.
 */
public final class History {
  private static final Logger LOG = LoggerFactory.getLogger(History.class);
  /** At most about one insert per second, whatever FLUSH_INTERVAL says. */
  static final Duration MIN_FLUSH_INTERVAL = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final ClickHouseClient clickhouse;
  private final SchemaInstaller schema;
  private final MinuteFlusher flusher;
  private final TimeseriesHandler timeseries;
  private final RollupLoop rollup;
  private String flusherDeployment;
  private String rollupDeployment;

  public History(Vertx vertx, Config config, RedisClusterAsyncCommands<String, String> redis, Keys keys,
      MeterRegistry registry, Clock clock) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(config, "config");
    this.clickhouse = new ClickHouseClient(vertx, config.clickhouseUrlOrDefault(), config.clickhouseDatabase(),
        config.clickhouseUser(), config.clickhousePassword(), ClickHouseClient.DEFAULT_TIMEOUT,
        config.clickhouseCluster());
    this.schema = new SchemaInstaller(vertx, clickhouse);
    Duration interval = config.flushInterval();
    if (interval.compareTo(MIN_FLUSH_INTERVAL) < 0) {
      LOG.warn("FLUSH_INTERVAL {} is below {}: flushing every {} instead", interval, MIN_FLUSH_INTERVAL,
          MIN_FLUSH_INTERVAL);
      interval = MIN_FLUSH_INTERVAL;
    }
    String instanceId = UUID.randomUUID().toString();
    this.flusher = new MinuteFlusher(redis, keys, clickhouse, schema::installed, new FlushMetrics(registry), clock,
        interval, instanceId);
    this.timeseries = new TimeseriesHandler(clickhouse, clock);
    this.rollup = new RollupLoop(redis, keys, clickhouse, schema::installed, clock, interval);
  }

  /** Starts creating the schema (retried in the background) and the flusher; completes without ClickHouse. */
  public Future<Void> start() {
    schema.start();
    return Background.deploy(vertx, flusher).compose(id -> {
      flusherDeployment = id;
      return Background.deploy(vertx, rollup);
    }).map(id -> {
      rollupDeployment = id;
      return null;
    });
  }

  /** Mounts the timeseries endpoint (Service puts the editor guard in front of /v1/editor/). */
  public void mount(Router router) {
    timeseries.mount(router);
  }

  /** The one ClickHouse client of the service, for rooms that write tables of their own. */
  public ClickHouseClient clickhouse() {
    return clickhouse;
  }

  /** For readiness: the schema exists and ClickHouse answered this instance's last request. */
  public boolean ready() {
    return schema.installed() && flusher.clickhouseAnswers();
  }

  boolean schemaInstalled() {
    return schema.installed();
  }

  /** One final flush (after the batcher drained), then closes the ClickHouse client. Never fails. */
  public Future<Void> stop() {
    schema.stop();
    Future<Void> undeploy = (rollupDeployment == null ? Future.<Void>succeededFuture() : vertx.undeploy(rollupDeployment))
        .recover(err -> Future.succeededFuture())
        .compose(v -> flusherDeployment == null ? Future.succeededFuture() : vertx.undeploy(flusherDeployment));
    return undeploy.recover(err -> {
      LOG.warn("Stopping the minute flusher failed: {}", err.getMessage());
      return Future.succeededFuture();
    }).eventually(() -> {
      clickhouse.close();
      return Future.succeededFuture();
    });
  }
}
