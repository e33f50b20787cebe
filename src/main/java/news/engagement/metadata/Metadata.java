package news.engagement.metadata;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import news.engagement.Background;
import news.engagement.Room;
import news.engagement.config.Site;
import news.engagement.counting.Keys;
import news.engagement.counting.Retention;
import news.engagement.history.ClickHouseClient;
import news.engagement.ingest.PageViews;
import news.engagement.query.Label;
import news.engagement.query.Labels;
import news.engagement.redis.RedisStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Article metadata, wired (docs/metadata.md): views tell the room their page ({@link #viewed}), the
 * {@link Crawler} fetches pages on the site whose metadata is missing or old, editors read and set it
 * ({@link MetadataHandler}), Redis keeps it ({@link MetadataStore}), ClickHouse gets a copy
 * ({@link ArticlesTable}), and lists read labels from memory ({@link #of}).
 */
public final class Metadata implements Room, PageViews, Labels {
  private static final Logger LOG = LoggerFactory.getLogger(Metadata.class);
  static final String CACHED = "engagement.metadata.cache.articles";
  /** Articles whose metadata one instance keeps in memory. */
  static final int CACHE_CAPACITY = 50_000;

  private final Vertx vertx;
  private final ArticleCache cache = new ArticleCache(CACHE_CAPACITY);
  private final MetadataStore store;
  private final ArticlesTable table;
  private final Crawler crawler;
  private final MetadataHandler handler;
  private String tableDeployment;
  private String crawlerDeployment;

  public Metadata(Vertx vertx, Site site, RedisStore redis, Keys keys, Retention retention,
      ClickHouseClient clickhouse, MeterRegistry registry, Clock clock) {
    this(vertx, site, redis, keys, retention, clickhouse, registry, clock, Fetcher.Limits.standard());
  }

  Metadata(Vertx vertx, Site site, RedisStore redis, Keys keys, Retention retention, ClickHouseClient clickhouse,
      MeterRegistry registry, Clock clock, Fetcher.Limits limits) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.store = new MetadataStore(redis.commands(), keys, retention);
    this.table = new ArticlesTable(clickhouse, Duration.ofSeconds(2));
    this.crawler = new Crawler(site, limits, store, cache, table, registry, clock);
    this.handler = new MetadataHandler(store, cache, table, clock);
    Gauge.builder(CACHED, cache, ArticleCache::size).description("Articles whose metadata this instance holds in memory")
        .register(registry);
  }

  @Override
  public Future<Void> start() {
    return Background.deploy(vertx, table).compose(id -> {
      tableDeployment = id;
      return Background.deploy(vertx, crawler);
    }).map(id -> {
      crawlerDeployment = id;
      return null;
    });
  }

  @Override
  public void mount(Router router) {
    handler.mount(router);
  }

  @Override
  public void viewed(String article, String url) {
    crawler.seen(article, url);
  }

  @Override
  public Label of(String article) {
    return cache.label(article);
  }

  @Override
  public void wanted(String article) {
    crawler.seen(article, null);
  }

  /** One copy to ClickHouse now (tests; never fails). */
  public Future<Void> flushNow() {
    return table.flushOnItsContext();
  }

  @Override
  public Future<Void> stop() {
    Future<Void> c = crawlerDeployment == null ? Future.succeededFuture() : vertx.undeploy(crawlerDeployment);
    return c.recover(err -> Future.succeededFuture())
        .compose(v -> tableDeployment == null ? Future.<Void>succeededFuture() : vertx.undeploy(tableDeployment))
        .recover(err -> {
          LOG.warn("Stopping article metadata failed: {}", err.getMessage());
          return Future.succeededFuture();
        });
  }
}
