package news.engagement;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import news.engagement.config.Config;
import news.engagement.counting.Batcher;
import news.engagement.ingest.EventValidator;
import news.engagement.ingest.EventsHandler;
import news.engagement.ingest.Intake;
import news.engagement.ingest.PixelHandler;
import news.engagement.ingest.RateLimiter;
import news.engagement.metrics.EngagementMetrics;
import news.engagement.query.ArticlesHandler;
import news.engagement.query.StatsQuery;
import news.engagement.visitor.AgentClassifier;
import news.engagement.visitor.ClientAddress;
import news.engagement.visitor.VisitorIds;
import news.engagement.visitor.VisitorKeys;
import news.engagement.web.HttpVerticle;
import news.engagement.web.Pages;
import news.engagement.web.Routes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole service, wired: used by {@link Main} and, with a test clock and port 0, by end-to-end tests.
 * Starts stores first and HTTP last; stops HTTP first, then drains the batcher into Redis.
 */
public final class Service {
  private static final Logger LOG = LoggerFactory.getLogger(Service.class);
  private static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);
  private static final Duration KEY_REFRESH = Duration.ofHours(1);

  private final Vertx vertx;
  private final Config config;
  private final Clock clock;
  private final EngagementMetrics metrics;
  private final RedisClient redisClient;

  private StatefulRedisConnection<String, String> redis;
  private StatefulRedisConnection<String, String> batcherRedis;
  private Batcher batcher;
  private final List<String> httpDeployments = new ArrayList<>();
  private String batcherDeployment;
  private int port;
  private long keyRefreshTimer = -1;

  public Service(Vertx vertx, Config config, MeterRegistry registry, Clock clock) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.metrics = new EngagementMetrics(Objects.requireNonNull(registry, "registry"));
    this.redisClient = RedisClient.create();
    redisClient.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        // While disconnected, fail at once: the batcher keeps its batch and retries with backoff.
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(5)))
        .build());
  }

  public Future<Void> start() {
    Context context = vertx.getOrCreateContext();
    RedisURI uri = RedisURI.create(config.redisUrlOrDefault());
    return connect(uri, context).compose(c -> {
      redis = c;
      return connect(uri, context);
    }).compose(c -> {
      batcherRedis = c;
      VisitorKeys keys = new VisitorKeys(redis.async(), clock);
      return keys.refresh(context).map(v -> keys);
    }).compose(keys -> {
      scheduleKeyRefresh(keys, context);
      batcher = new Batcher(batcherRedis.async(), metrics, clock, config.batchInterval(),
          config.viewDedupWindow(), config.maxBatchEvents(), config.maxPendingEvents());
      return vertx.deployVerticle(batcher).map(id -> {
        batcherDeployment = id;
        return new VisitorIds(keys, clock);
      });
    }).compose(visitorIds -> deployHttp(router(visitorIds)))
        .onSuccess(v -> LOG.info("Engagement service listening on :{}", port));
  }

  private Router router(VisitorIds visitorIds) {
    Intake intake = new Intake(AgentClassifier.standard(), visitorIds, batcher, metrics);
    RateLimiter limiter = new RateLimiter(config.rateLimitPerMinute(), clock);
    EventsHandler events = new EventsHandler(intake, new ClientAddress(config.trustedProxies()), limiter, metrics, clock);
    PixelHandler pixel = new PixelHandler(intake, events, limiter);
    ArticlesHandler articles = new ArticlesHandler(new StatsQuery(redis.async()));
    List<Consumer<Router>> features = List.of(
        r -> r.post("/v1/events").handler(events),
        r -> r.get("/v1/pixel.gif").handler(pixel),
        articles::mount,
        new Pages(vertx, EventValidator::validArticle)::mount);
    return Routes.build(vertx, config.corsOrigins(), EventsHandler.MAX_BODY_BYTES, features);
  }

  private Future<Void> deployHttp(Router router) {
    int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
    // The first instance binds (port 0 picks a free one); the others share that port.
    HttpVerticle first = new HttpVerticle(router, config.httpPort());
    return vertx.deployVerticle(first).compose(id -> {
      httpDeployments.add(id);
      port = first.actualPort();
      if (instances == 1) {
        return Future.succeededFuture();
      }
      return vertx.deployVerticle(() -> new HttpVerticle(router, port), new DeploymentOptions().setInstances(instances - 1))
          .map(id2 -> {
            httpDeployments.add(id2);
            return null;
          });
    });
  }

  /** Stops taking requests, applies every pending event to Redis, then closes connections. */
  public Future<Void> stop() {
    if (keyRefreshTimer >= 0) {
      vertx.cancelTimer(keyRefreshTimer);
    }
    Future<Void> http = Future.all(httpDeployments.stream().map(vertx::undeploy).toList()).mapEmpty();
    return http
        .compose(v -> batcherDeployment == null ? Future.<Void>succeededFuture() : vertx.undeploy(batcherDeployment))
        .eventually(() -> {
          closeQuietly(batcherRedis);
          closeQuietly(redis);
          redisClient.shutdownAsync();
          return Future.succeededFuture();
        });
  }

  public int port() {
    return port;
  }

  public Batcher batcher() {
    return batcher;
  }

  public EngagementMetrics metrics() {
    return metrics;
  }

  private Future<StatefulRedisConnection<String, String>> connect(RedisURI uri, Context context) {
    Promise<StatefulRedisConnection<String, String>> promise = Promise.promise();
    attempt(uri, context, promise, true);
    return promise.future();
  }

  /** Retries until Redis answers: the service is useless without it, and it may start after us. */
  private void attempt(RedisURI uri, Context context, Promise<StatefulRedisConnection<String, String>> promise,
      boolean first) {
    Future.fromCompletionStage(redisClient.connectAsync(StringCodec.UTF8, uri), context)
        .onSuccess(promise::complete)
        .onFailure(err -> {
          if (first) {
            LOG.warn("Redis at {} does not answer yet ({}); retrying every {}", uri.getHost() + ":" + uri.getPort(),
                err.getMessage(), RECONNECT_DELAY);
          }
          vertx.setTimer(RECONNECT_DELAY.toMillis(), t -> attempt(uri, context, promise, false));
        });
  }

  private void scheduleKeyRefresh(VisitorKeys keys, Context context) {
    keyRefreshTimer = vertx.setTimer(KEY_REFRESH.toMillis(), t -> keys.refresh(context)
        .onFailure(err -> LOG.warn("Could not refresh visitor salts: {}", err.getMessage()))
        .onComplete(ar -> scheduleKeyRefresh(keys, context)));
  }

  private static void closeQuietly(StatefulRedisConnection<String, String> connection) {
    if (connection != null) {
      connection.closeAsync();
    }
  }
}
