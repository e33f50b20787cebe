package news.engagement.metadata;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import news.engagement.config.Site;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the cache of article metadata and crawls pages whose metadata is missing or old. A view
 * ({@link #seen}, any thread) costs a look into {@link ArticleCache} while the article's entry is
 * current; otherwise the article is queued once (at most {@code maxQueued} articles wait; past that the
 * view is not followed up, counted in {@value #DROPPED}), its hash is read from Redis, and when the
 * crawl is older than {@code METADATA_REFRESH} (or absent) and the view's {@code url} is on the site,
 * the page is fetched ({@code maxInFlight} at a time per instance, one instance per article by a lease)
 * and read on a worker thread. Failures back off per article (1 min, doubling, up to the refresh time)
 * and are counted in {@value #FETCHES} by {@code outcome}.
 */
final class Crawler extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(Crawler.class);
  static final String FETCHES = "engagement.metadata.fetches";
  static final String DROPPED = "engagement.metadata.crawl.dropped";
  /** How long a view trusts the cache before reading Redis again (another instance's crawl or edit shows then). */
  static final Duration RECHECK = Duration.ofMinutes(1);
  static final Duration FIRST_BACKOFF = Duration.ofMinutes(1);
  /** After Redis failed to read or write an article's metadata, when a view of it tries again. */
  static final Duration STORE_RETRY = Duration.ofSeconds(5);

  private record Job(String article, String url) {
  }

  private final Site site;
  private final Fetcher.Limits limits;
  private final MetadataStore store;
  private final ArticleCache cache;
  private final ArticlesTable table;
  private final MeterRegistry registry;
  private final Clock clock;
  private final Counter dropped;
  private final String owner = UUID.randomUUID().toString();
  /** Articles queued or being handled: one job per article at a time. */
  private final Map<String, Boolean> busy = new ConcurrentHashMap<>();
  private final ArrayDeque<Job> queue = new ArrayDeque<>();
  private int inFlight;
  private Fetcher fetcher;
  private volatile boolean running;
  private String lastFailure;

  Crawler(Site site, Fetcher.Limits limits, MetadataStore store, ArticleCache cache, ArticlesTable table,
      MeterRegistry registry, Clock clock) {
    this.site = Objects.requireNonNull(site, "site");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.store = Objects.requireNonNull(store, "store");
    this.cache = Objects.requireNonNull(cache, "cache");
    this.table = Objects.requireNonNull(table, "table");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.dropped = Counter.builder(DROPPED).description("Views whose article could not be queued for its metadata")
        .register(registry);
  }

  @Override
  public Future<?> start() {
    fetcher = new Fetcher(vertx, site, limits);
    running = true;
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    running = false;
    queue.clear();
    return fetcher.close();
  }

  /** A view of {@code article} on page {@code url} (null: no page, only load what Redis has). Never blocks. */
  void seen(String article, String url) {
    if (!running) {
      return;
    }
    ArticleCache.Entry entry = cache.get(article);
    if (entry != null && entry.recheckAt() > clock.millis()) {
      return;
    }
    if (busy.size() >= limits.maxQueued()) {
      dropped.increment();
      return;
    }
    if (busy.putIfAbsent(article, Boolean.TRUE) != null) {
      return;
    }
    context.runOnContext(v -> {
      queue.add(new Job(article, url));
      pump();
    });
  }

  private void pump() {
    while (running && inFlight < limits.maxInFlight() && !queue.isEmpty()) {
      Job job = queue.poll();
      inFlight++;
      handle(job).onComplete(ar -> {
        inFlight--;
        busy.remove(job.article());
        if (ar.failed()) {
          logOnce("Article metadata could not be read or written in Redis: " + ar.cause());
          // Not again on the article's next view (every view, while Redis is down): after STORE_RETRY.
          ArticleCache.Entry before = cache.get(job.article());
          cache.put(job.article(), before == null ? Known.NOTHING : before.known(),
              clock.millis() + STORE_RETRY.toMillis(), before == null ? 0 : before.failures());
        }
        pump();
      });
    }
  }

  private Future<Void> handle(Job job) {
    return store.read(job.article(), context).compose(known -> {
      long now = clock.millis();
      ArticleCache.Entry before = cache.get(job.article());
      int failures = before == null ? 0 : before.failures();
      long refresh = site.metadataRefresh().toMillis();
      boolean fresh = known.crawledAt() > 0 && now - known.crawledAt() < refresh;
      if (fresh || job.url() == null || !site.owns(job.url())) {
        long until = fresh ? Math.min(known.crawledAt() + refresh, now + RECHECK.toMillis()) : now + RECHECK.toMillis();
        cache.put(job.article(), known, Math.max(until, now + 1), failures);
        return Future.succeededFuture();
      }
      long leaseMillis = limits.timeout().toMillis() + 5_000;
      return store.lease(job.article(), owner, leaseMillis, context).compose(mine -> {
        if (!mine) {
          cache.put(job.article(), known, now + leaseMillis, failures);
          return Future.succeededFuture();
        }
        return crawl(job, known, failures);
      });
    });
  }

  private Future<Void> crawl(Job job, Known known, int failures) {
    return fetcher.fetch(job.url())
        .compose(page -> vertx.executeBlocking(() -> PageReader.read(page.body(), page.charset(), page.url(), site),
            false).recover(err -> Future.failedFuture(new Fetcher.FetchFailed(Fetcher.Failure.PARSE, err.toString())))
            .map(fields -> {
              count(page.truncated() ? "truncated" : "ok");
              return fields;
            }))
        .compose(fields -> store.writeCrawl(job.article(), fields, clock.millis(), context))
        .map(written -> {
          long now = clock.millis();
          cache.put(job.article(), written, now + RECHECK.toMillis(), 0);
          table.offer(job.article(), written);
          return (Void) null;
        })
        .recover(err -> {
          if (!(err instanceof Fetcher.FetchFailed failed)) {
            return Future.failedFuture(err); // Redis or the parser: counted by the caller's log
          }
          count(failed.failure.label());
          int next = failures + 1;
          long delay = Math.min(site.metadataRefresh().toMillis(), FIRST_BACKOFF.toMillis() << Math.min(next - 1, 20));
          cache.put(job.article(), known, clock.millis() + delay, next);
          LOG.debug("Metadata of {} not fetched from {}: {}", job.article(), job.url(), failed.getMessage());
          return Future.succeededFuture();
        });
  }

  private void count(String outcome) {
    Counter.builder(FETCHES).description("Article pages fetched for metadata, by outcome").tag("outcome", outcome)
        .register(registry).increment();
  }

  private void logOnce(String reason) {
    if (!reason.equals(lastFailure)) {
      LOG.warn(reason);
      lastFailure = reason;
    }
  }
}
