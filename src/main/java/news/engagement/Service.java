package news.engagement;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import news.engagement.config.Config;
import news.engagement.conversions.Conversions;
import news.engagement.counting.Batcher;
import news.engagement.counting.Keys;
import news.engagement.counting.Limits;
import news.engagement.health.Health;
import news.engagement.history.History;
import news.engagement.ingest.Attention;
import news.engagement.ingest.Attribution;
import news.engagement.ingest.EventValidator;
import news.engagement.ingest.EventsHandler;
import news.engagement.ingest.Intake;
import news.engagement.ingest.PixelHandler;
import news.engagement.ingest.RateLimiter;
import news.engagement.metadata.Metadata;
import news.engagement.metrics.EngagementMetrics;
import news.engagement.metrics.HttpMeters;
import news.engagement.metrics.JvmMeters;
import news.engagement.metrics.MetricsHandler;
import news.engagement.presence.Presence;
import news.engagement.query.ArticlesHandler;
import news.engagement.query.EditorArticleHandler;
import news.engagement.query.Label;
import news.engagement.query.Labels;
import news.engagement.query.ReadCache;
import news.engagement.query.StatsQuery;
import news.engagement.query.TopHandler;
import news.engagement.query.TopLists;
import news.engagement.query.TopQuery;
import news.engagement.query.TopSources;
import news.engagement.query.Trending;
import news.engagement.query.TrendingHandler;
import news.engagement.query.WidgetHandler;
import news.engagement.redis.RedisStore;
import news.engagement.sources.Sources;
import news.engagement.visitor.AgentClassifier;
import news.engagement.visitor.ClientAddress;
import news.engagement.visitor.VisitorIds;
import news.engagement.visitor.VisitorKeys;
import news.engagement.web.CorsCheck;
import news.engagement.web.EditorAuth;
import news.engagement.web.Front;
import news.engagement.web.HttpVerticle;
import news.engagement.web.IndexPage;
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

  private final Vertx vertx;
  private final Config config;
  private final Clock clock;
  /** Time source of the read caches' refresh interval; tests move it by hand (the clock above may stand still). */
  private final LongSupplier nanoTime;
  private final PrometheusMeterRegistry registry;
  private final EngagementMetrics metrics;
  private final ClientResources redisResources;
  private final Keys keys;

  private RedisStore redis;
  private RedisStore batcherRedis;
  private RedisStore topRedis;
  /** The read cache's own connection: its GETs never queue behind the flusher's or presence's commands. */
  private RedisStore readRedis;
  private Batcher batcher;
  private History history;
  private final List<String> httpDeployments = new ArrayList<>();
  /** Features with rooms of their own: one line each in {@link #rooms()}. */
  private final List<Room> rooms = new ArrayList<>();
  private String batcherDeployment;
  private TopLists topLists;
  private String topListsDeployment;
  /** Article metadata (titles, sections): set with the rooms; lists built before read labels through it. */
  private volatile Metadata metadata;
  private int port;
  private volatile boolean accepting;
  private JvmMeters jvmMeters;
  private Health health;

  public Service(Vertx vertx, Config config, PrometheusMeterRegistry registry, Clock clock) {
    this(vertx, config, registry, clock, System::nanoTime);
  }

  public Service(Vertx vertx, Config config, PrometheusMeterRegistry registry, Clock clock, LongSupplier nanoTime) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.registry = registry;
    this.metrics = new EngagementMetrics(Objects.requireNonNull(registry, "registry"));
    this.keys = new Keys(config.redisShards());
    // Reconnect within a second of Redis coming back (Lettuce's default backoff grows to 30 s).
    this.redisResources = DefaultClientResources.builder()
        .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
        .build();
  }

  public Future<Void> start() {
    Context context = vertx.getOrCreateContext();
    jvmMeters = JvmMeters.bind(registry);
    String url = config.redisUrlOrDefault();
    VisitorKeys visitorKeys = new VisitorKeys(config.visitorSecret());
    LOG.info("Visitor hashes use VISITOR_SECRET with key id {}", visitorKeys.keyId());
    return RedisStore.connect(vertx, url, redisResources, context, config.redisWaitReplicas()).compose(c -> {
      redis = c;
      return RedisStore.connect(vertx, url, redisResources, context, config.redisWaitReplicas());
    }).compose(c -> {
      batcherRedis = c;
      return RedisStore.connect(vertx, url, redisResources, context, config.redisWaitReplicas());
    }).compose(c -> {
      // The builder sends hundreds of commands per rebuild: its own connection keeps article reads quick.
      topRedis = c;
      return RedisStore.connect(vertx, url, redisResources, context, config.redisWaitReplicas());
    }).compose(c -> {
      readRedis = c;
      batcher = new Batcher(batcherRedis.scripts(), keys, config.retention(), metrics, clock, config.batchInterval(),
          new Limits(config.viewDedupWindow(), config.maxViewsPerAddress()), config.maxBatchEvents(),
          config.maxPendingEvents(), Shutdown.drainTimeout(config));
      return Background.deploy(vertx, batcher).map(id -> {
        batcherDeployment = id;
        return new VisitorIds(visitorKeys, clock);
      });
    }).compose(visitorIds -> {
      topLists = new TopLists(topRedis.commands(), keys, clock, TopLists.Timing.standard()
          .withMaxAge(config.topListsMaxAge()).withRefresh(config.topListsRefresh()), labels());
      return Background.deploy(vertx, topLists).map(id -> {
        topListsDeployment = id;
        return visitorIds;
      });
    }).compose(visitorIds -> {
      // Does not wait for ClickHouse: the schema is created and minutes flushed once it answers.
      history = new History(vertx, config, redis.commands(), keys, metrics.registry(), clock);
      return history.start().map(v -> visitorIds);
    }).compose(visitorIds -> {
      rooms.addAll(rooms());
      return Future.all(rooms.stream().map(Room::start).toList()).map(v -> visitorIds);
    }).compose(visitorIds -> deployHttp(front(visitorIds)))
        .onSuccess(v -> {
          accepting = true;
          LOG.info("Engagement service listening on :{}", port);
        });
  }

  /** The rooms this service runs; removing a line removes that feature, the counter keeps working. */
  private List<Room> rooms() {
    metadata = new Metadata(vertx, config.site(), redis, keys, config.retention(), history.clickhouse(),
        metrics.registry(), clock);
    return List.of(
        new Presence(vertx, config.presence(), redis, keys, history.clickhouse(), metrics, topSources(), clock,
            Shutdown.drainTimeout(config)),
        metadata,
        new Sources(config.site(), redis, keys, history.clickhouse(), readSettings(), clock),
        new Conversions(vertx, config, redis, keys, history.clickhouse(), metrics, clock, readSettings(),
            Shutdown.drainTimeout(config)));
  }

  /** The lists' labels: the metadata room's, once it exists. */
  private Labels labels() {
    return new Labels() {
      @Override
      public Label of(String article) {
        Metadata m = metadata;
        return m == null ? null : m.of(article);
      }

      @Override
      public void wanted(String article) {
        Metadata m = metadata;
        if (m != null) {
          m.wanted(article);
        }
      }
    };
  }

  /** The articles' top sources: the sources room's, when it runs (looked up at read time, after start). */
  private TopSources topSources() {
    return (articles, context) -> {
      Sources sources = room(Sources.class);
      return (sources == null ? TopSources.NONE : sources).lastHour(articles, context);
    };
  }

  /**
   * The read caches' settings. Only article counts cap a reader's wait ({@code READ_CACHE_MAX_WAIT}): their
   * re-read is one HGETALL and PFCOUNT, slow only behind a write backlog; a list's load may be a rebuild,
   * which takes longer than the cap on any day, so its readers wait for it.
   */
  private ReadCache.Settings readSettings() {
    return new ReadCache.Settings(config.readCacheTtl(), config.readCacheMaxStale(), Duration.ZERO, nanoTime, registry);
  }

  private ReadCache.Settings articleReadSettings() {
    return new ReadCache.Settings(config.readCacheTtl(), config.readCacheMaxStale(), config.readCacheMaxWait(), nanoTime,
        registry);
  }

  private Front front(VisitorIds visitorIds) {
    Intake intake = new Intake(AgentClassifier.standard(), visitorIds, batcher, metrics,
        Attention.all(rooms.stream().map(Room::attention).toList()), metadata,
        Attribution.first(rooms.stream().map(Room::attribution).toList()),
        EventValidator.Rules.of(config.conversionGoals(), config.site().origins()));
    RateLimiter limiter = new RateLimiter(config.rateLimitPerMinute(), clock);
    EventsHandler events = new EventsHandler(intake, new ClientAddress(config.trustedProxies()), limiter, metrics, clock);
    PixelHandler pixel = new PixelHandler(intake, events, limiter);
    health = new Health(vertx, redis.commands(), config.clickhouseUrlOrDefault(), batcher, history::ready,
        () -> accepting);
    // One set of read caches per instance, shared by every event loop's server.
    ReadCache.Settings reads = readSettings();
    StatsQuery stats = new StatsQuery(readRedis.commands(), keys);
    ArticlesHandler articles = new ArticlesHandler(stats::many, articleReadSettings());
    Presence presence = room(Presence.class);
    EditorArticleHandler editorArticle = new EditorArticleHandler(stats::one,
        presence != null ? presence::about : (id, c) -> Future.succeededFuture(null), topSources());
    TopHandler top = new TopHandler(new TopQuery(topLists)::top, reads);
    WidgetHandler widget = new WidgetHandler(new TopQuery(topLists)::top, reads);
    TrendingHandler trending = new TrendingHandler(new Trending(topLists)::trending, reads);
    EditorAuth auth = new EditorAuth(config.editorToken());
    Pages pages = new Pages(vertx, EventValidator::validArticle);
    HttpMeters meters = new HttpMeters(registry);
    List<Consumer<Router>> features = List.of(
        r -> r.post("/v1/events").handler(events),
        r -> r.get("/v1/pixel.gif").handler(pixel),
        articles::mount,
        top::mount,
        widget::mount,
        auth::mount,
        editorArticle::mount,
        trending::mount,
        history::mount,
        r -> rooms.forEach(room -> room.mount(r)),
        new MetricsHandler(registry)::mount,
        health::mount,
        pages::mount,
        new IndexPage(pages, config.editorToken().isPresent())::mount);
    Router router = Routes.build(vertx, config.corsOrigins(), EventsHandler.MAX_BODY_BYTES, meters, features);
    return new Front(router, events, articles, new CorsCheck(config.corsOrigins()), meters, EventsHandler.MAX_BODY_BYTES);
  }

  private Future<Void> deployHttp(Front front) {
    int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
    // Servers of one Vert.x on one configured port share it (port 0 too: one free port for all).
    List<HttpVerticle> servers = new ArrayList<>();
    return vertx.deployVerticle(() -> {
      HttpVerticle server = new HttpVerticle(front, config.httpPort());
      servers.add(server);
      return server;
    }, new DeploymentOptions().setInstances(instances)).map(id -> {
      httpDeployments.add(id);
      port = servers.get(0).actualPort();
      return null;
    });
  }

  /**
   * Reports unready at once but keeps serving for {@code SHUTDOWN_GRACE}, so load balancers stop sending
   * before the listeners close; then applies every pending event to Redis, flushes to ClickHouse and
   * closes connections, all within {@code SHUTDOWN_TIMEOUT} (see {@link Shutdown}).
   */
  public Future<Void> stop() {
    accepting = false;
    Shutdown shutdown = new Shutdown(vertx, config);
    LOG.info("Stopping: unready now, serving {} more, then draining", config.shutdownGrace());
    return shutdown.grace(!httpDeployments.isEmpty())
        .compose(v -> Future.all(httpDeployments.stream().map(vertx::undeploy).toList()).<Void>mapEmpty())
        .compose(v -> topListsDeployment == null ? Future.<Void>succeededFuture() : vertx.undeploy(topListsDeployment))
        .compose(v -> batcherDeployment == null ? Future.<Void>succeededFuture() : vertx.undeploy(batcherDeployment))
        .compose(v -> shutdown.withinDeadline("rooms' drain",
            Future.all(rooms.stream().map(Room::stop).toList()).<Void>mapEmpty()))
        // After the batcher drained: one final flush of the minutes it wrote, in what is left of the time.
        .compose(v -> history == null ? Future.<Void>succeededFuture() : shutdown.withinDeadline("ClickHouse flush", history.stop()))
        .eventually(() -> {
          if (health != null) {
            health.close();
          }
          if (jvmMeters != null) {
            jvmMeters.close();
          }
          // Shutting the client down closes its connections.
          // Shutting the clients down closes their connections; then the shared resources.
          return Future.all(closeRedis(redis), closeRedis(batcherRedis), closeRedis(topRedis),
              closeRedis(readRedis))
              .<Void>mapEmpty()
              .recover(err -> Future.succeededFuture())
              .onComplete(ar -> redisResources.shutdown());
        });
  }

  /** Events accepted but not applied to Redis: after {@link #stop()}, the ones that were lost. */
  public int pending() {
    return batcher == null ? 0 : batcher.pending();
  }

  public int port() {
    return port;
  }

  public Batcher batcher() {
    return batcher;
  }

  /** The running room of a type (e.g. {@code Presence.class}), or null when this service has none. */
  public <T extends Room> T room(Class<T> type) {
    return rooms.stream().filter(type::isInstance).map(type::cast).findFirst().orElse(null);
  }

  /** The ClickHouse history (flusher, readiness); null before start. */
  public History history() {
    return history;
  }

  /** The Redis key model this service counts with. */
  public Keys keys() {
    return keys;
  }

  public EngagementMetrics metrics() {
    return metrics;
  }

  private static Future<Void> closeRedis(RedisStore store) {
    return store == null ? Future.succeededFuture() : Future.fromCompletionStage(store.close());
  }
}
