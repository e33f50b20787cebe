package news.engagement.testing;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import news.engagement.Service;
import news.engagement.config.Config;
import news.engagement.metrics.MeteredVertx;

/**
 * The whole service started in-process on a free port against the test stores, with its own Vert.x,
 * its own meter registry and the clock the test gives. Blocking helpers are for test threads only.
 */
public final class RunningService implements AutoCloseable {
  private static Integer lastClusterDatabase;
  public static final String BROWSER_UA =
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";

  public final Vertx vertx;
  public final Service service;
  public final PrometheusMeterRegistry registry;
  public final WebClient client;

  private RunningService(Vertx vertx, Service service, PrometheusMeterRegistry registry) {
    this.vertx = vertx;
    this.service = service;
    this.registry = registry;
    this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(service.port()).setUserAgent(BROWSER_UA));
  }

  /**
   * Starts with REDIS_URL on the given database, CLICKHOUSE_URL of the test stores, port 0, no rate
   * limit, a 10 ms batch interval, the tests' VISITOR_SECRET, no shutdown grace, top lists rebuilt for
   * every read and the read cache off (READ_CACHE_TTL=0s): tests of counting read what Redis holds right
   * after writing; the read cache's own tests set READ_CACHE_TTL and move its time source by hand.
   * {@code env} overrides any of those.
   */
  public static RunningService start(int redisDatabase, Clock clock, Map<String, String> env) {
    return start(redisDatabase, clock, env, System::nanoTime);
  }

  /** As above, with the read caches' time source given. */
  public static RunningService start(int redisDatabase, Clock clock, Map<String, String> env, LongSupplier nanoTime) {
    if (TestStores.cluster() && !Integer.valueOf(redisDatabase).equals(lastClusterDatabase)) {
      TestStores.flush(redisDatabase); // the cluster has one database: a class of another database starts empty
      lastClusterDatabase = redisDatabase;
    }
    Map<String, String> vars = new HashMap<>();
    vars.put("REDIS_URL", TestStores.redisUrl(redisDatabase));
    vars.putAll(TestStores.clickhouseEnv());
    vars.put("HTTP_PORT", "0");
    vars.put("RATE_LIMIT_PER_MINUTE", "0");
    vars.put("MAX_VIEWS_PER_ADDRESS", "0"); // tests send thousands of views from 127.0.0.1; AddressBoundTest sets it
    vars.put("BATCH_INTERVAL", "10ms");
    vars.put("TOP_LISTS_MAX_AGE", "1ms"); // tests read top lists right after writing
    vars.put("READ_CACHE_TTL", "0s");
    vars.put("READ_CACHE_MAX_STALE", "0s");
    vars.put("VISITOR_SECRET", TestStores.VISITOR_SECRET);
    // No grace period by default: nothing balances traffic onto a test's service.
    vars.put("SHUTDOWN_GRACE", "0s");
    vars.putAll(env);
    Config config = Config.from(vars::get);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = MeteredVertx.create(registry);
    Service service = new Service(vertx, config, registry, clock, nanoTime);
    await(service.start());
    return new RunningService(vertx, service, registry);
  }

  public int port() {
    return service.port();
  }

  /**
   * Waits until every accepted event has been applied to Redis. Generous: JunkIdsTest's 100 000 events took
   * over 20 s on the 2-core machine while the other test lanes and a benchmark ran.
   */
  public void awaitApplied() {
    Duration limit = Duration.ofSeconds(60);
    long deadline = System.nanoTime() + limit.toNanos();
    while (service.batcher().pending() > 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("events still pending after " + limit.toSeconds() + " s: " + service.batcher().pending());
      }
      sleep(5);
    }
  }

  public HttpResponse<Buffer> postEvents(String body, String userAgent) {
    return await(client.post("/v1/events").putHeader("Content-Type", "text/plain")
        .putHeader("User-Agent", userAgent).sendBuffer(Buffer.buffer(body)));
  }

  public HttpResponse<Buffer> get(String path) {
    return await(client.get(path).send());
  }

  public JsonObject article(String id) {
    awaitApplied();
    return get("/v1/articles/" + id).bodyAsJsonObject();
  }

  @Override
  public void close() {
    await(service.stop());
    client.close();
    await(vertx.close());
  }

  public static <T> T await(io.vertx.core.Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("future did not complete: " + e, e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
