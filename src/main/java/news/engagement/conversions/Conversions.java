package news.engagement.conversions;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import news.engagement.Background;
import news.engagement.Room;
import news.engagement.config.Config;
import news.engagement.counting.Keys;
import news.engagement.history.ClickHouseClient;
import news.engagement.ingest.Attention;
import news.engagement.metrics.EngagementMetrics;
import news.engagement.query.ReadCache;
import news.engagement.redis.RedisStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a story brings, wired: conversions (goals such as a channel follow) and outbound clicks come in
 * through {@link #attention()}, are deduplicated and counted per shard in Redis ({@link ConversionWriter},
 * {@code count.lua}), go on to ClickHouse's {@code article_conversions} ({@link ConversionFlusher}), and
 * editors read them through {@link ConversionsHandler}. Delete this folder and its line in
 * {@code Service.rooms()}: conversions are then taken and ignored, and everything else counts as before.
 */
public final class Conversions implements Room, Attention {
  private static final Logger LOG = LoggerFactory.getLogger(Conversions.class);

  private final Vertx vertx;
  private final ConversionWriter writer;
  private final ConversionFlusher flusher;
  private final ConversionsHandler handler;
  private String writerDeployment;
  private String flusherDeployment;

  public Conversions(Vertx vertx, Config config, RedisStore redis, Keys keys, ClickHouseClient clickhouse,
      EngagementMetrics metrics, Clock clock, ReadCache.Settings reads, Duration drainTimeout) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(config, "config");
    ConversionKeys conversionKeys = new ConversionKeys(keys);
    List<String> goals = config.conversionGoals();
    this.writer = new ConversionWriter(redis.scripts(), conversionKeys, metrics, clock, config.batchInterval(),
        config.viewDedupWindow(), config.maxPendingEvents(), drainTimeout);
    this.flusher = new ConversionFlusher(redis.commands(), conversionKeys, clickhouse, clock, config.flushInterval());
    this.handler = new ConversionsHandler(new ConversionReads(redis.commands(), conversionKeys, clock, Set.copyOf(goals)),
        goals, reads);
  }

  @Override
  public Future<Void> start() {
    return Background.deploy(vertx, writer).compose(id -> {
      writerDeployment = id;
      return Background.deploy(vertx, flusher);
    }).map(id -> {
      flusherDeployment = id;
      return null;
    });
  }

  @Override
  public void mount(Router router) {
    handler.mount(router);
  }

  @Override
  public Attention attention() {
    return this;
  }

  @Override
  public boolean ping(String article, String visitor, int engagedSeconds, int depth) {
    return true;
  }

  @Override
  public void viewed(String article, String visitor) {
  }

  @Override
  public boolean converted(String article, String visitor, String goal) {
    return writer.offer(new Click(article, visitor, Click.CONVERSION, goal));
  }

  @Override
  public boolean clickedOut(String article, String visitor, String destination) {
    return writer.offer(new Click(article, visitor, Click.OUTBOUND, destination));
  }

  /** True when every click taken is in Redis (tests). */
  public boolean written() {
    return writer.pending() == 0;
  }

  /** One flush to ClickHouse now, whatever the timer (tests; never fails). */
  public Future<Void> flushNow() {
    return flusher.tickOnItsContext();
  }

  @Override
  public Future<Void> stop() {
    Future<Void> w = writerDeployment == null ? Future.succeededFuture() : vertx.undeploy(writerDeployment);
    return w.recover(err -> {
      LOG.warn("Stopping the conversions writer failed: {}", err.getMessage());
      return Future.succeededFuture();
    }).compose(v -> flusherDeployment == null ? Future.<Void>succeededFuture() : vertx.undeploy(flusherDeployment))
        .recover(err -> Future.succeededFuture());
  }
}
