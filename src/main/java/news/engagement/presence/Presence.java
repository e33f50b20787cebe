package news.engagement.presence;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import news.engagement.Background;
import news.engagement.Room;
import news.engagement.config.Config;
import news.engagement.counting.Keys;
import news.engagement.history.ClickHouseClient;
import news.engagement.history.ClickHouseLayout;
import news.engagement.ingest.Attention;
import news.engagement.metrics.EngagementMetrics;
import news.engagement.query.TopSources;
import news.engagement.redis.RedisStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reading now, engaged time and read depth, wired: pings and people's views come in through
 * {@link #attention()}, are coalesced in memory and written to Redis per shard ({@link PresenceWriter});
 * engaged time goes on to ClickHouse ({@link EngagedFlusher}, which also gives {@code article_engagement}
 * its engaged columns); editors read {@code GET /v1/editor/now} ({@link NowHandler}, with each article's top
 * source from {@link TopSources}), one article's
 * presence through {@link #about} (for {@code GET /v1/editor/articles/{id}}) and its engaged series
 * ({@link EngagedSeriesHandler}); {@link ReadersGauge} keeps {@code engagement_readers_now}.
 */
public final class Presence implements Room, Attention {
  private static final Logger LOG = LoggerFactory.getLogger(Presence.class);

  private final Vertx vertx;
  private final Clock clock;
  private final PresenceWriter writer;
  private final EngagedFlusher flusher;
  private final ReadersNow readers;
  private final NowHandler now;
  private final ArticleAttention articles;
  private final EngagedSeriesHandler series;
  private final ReadersGauge gauge;
  private String writerDeployment;
  private String flusherDeployment;
  private String gaugeDeployment;

  public Presence(Vertx vertx, Config.Presence config, RedisStore redis, Keys keys, ClickHouseClient clickhouse,
      EngagementMetrics metrics, TopSources sources, Clock clock, Duration drainTimeout) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.clock = Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(config, "config");
    this.writer = new PresenceWriter(redis.scripts(), keys, metrics, clock, config.interval(), config.exactMax(),
        config.maxPending(), drainTimeout);
    this.flusher = new EngagedFlusher(redis.commands(), keys, clickhouse, clock, config.flushInterval());
    this.readers = new ReadersNow(redis.commands(), keys, clock);
    this.now = new NowHandler(readers, sources, config.exactMax());
    this.articles = new ArticleAttention(readers, keys, clickhouse, clock);
    this.series = new EngagedSeriesHandler(clickhouse, clock);
    this.gauge = new ReadersGauge(readers, metrics);
  }

  @Override
  public Future<Void> start() {
    return Background.deploy(vertx, writer).compose(id -> {
      writerDeployment = id;
      return Background.deploy(vertx, flusher);
    }).compose(id -> {
      flusherDeployment = id;
      return Background.deploy(vertx, gauge);
    }).map(id -> {
      gaugeDeployment = id;
      return null;
    });
  }

  @Override
  public void mount(Router router) {
    now.mount(router);
    series.mount(router);
  }

  @Override
  public Attention attention() {
    return this;
  }

  @Override
  public boolean ping(String article, String visitor, int engagedSeconds, int depth) {
    return writer.offer(new Sighting(article, visitor, clock.millis(), engagedSeconds, true, depth));
  }

  @Override
  public void viewed(String article, String visitor) {
    // A full presence buffer loses a view's sighting only: the view itself still counts.
    writer.offer(new Sighting(article, visitor, clock.millis(), 0, false, 0));
  }

  /** Reads of readers now and engaged time (the editor endpoint's source; tests read it too). */
  public ReadersNow readers() {
    return readers;
  }

  /**
   * The ClickHouse statements of presence, run in order on a database whose history schema exists:
   * engaged-time tables and {@code article_engagement} with its engaged columns (dashboard tests, tools).
   */
  public static List<String> clickhouseSchema(ClickHouseLayout layout, String database) {
    return PresenceSchema.createWithEngagementView(layout, database);
  }

  /** One article's readers now, engaged time and read depth (the editor's article endpoint). */
  public Future<ArticlePresence> about(String article, Context context) {
    return articles.about(article, context);
  }

  /** True when every sighting taken is in Redis. */
  public boolean written() {
    return writer.written();
  }

  /** One flush of engaged time to ClickHouse now, whatever the timer (tests; never fails). */
  public Future<Void> flushNow() {
    return flusher.tickOnItsContext();
  }

  @Override
  public Future<Void> stop() {
    Future<Void> w = writerDeployment == null ? Future.succeededFuture() : vertx.undeploy(writerDeployment);
    return w.recover(err -> {
      LOG.warn("Stopping the presence writer failed: {}", err.getMessage());
      return Future.succeededFuture();
    }).compose(v -> flusherDeployment == null ? Future.<Void>succeededFuture() : vertx.undeploy(flusherDeployment))
        .recover(err -> Future.succeededFuture())
        .compose(v -> gaugeDeployment == null ? Future.<Void>succeededFuture() : vertx.undeploy(gaugeDeployment))
        .recover(err -> Future.succeededFuture());
  }
}
