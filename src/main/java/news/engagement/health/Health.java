package news.engagement.health;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import news.engagement.counting.Batcher;

/**
 * {@code /health/live} and {@code /health/ready} for orchestrators such as Kubernetes probes.
 *
 * <p>Live: the event loop answers. Ready: Redis answers PING, ClickHouse answers {@code GET /ping}, and
 * the batcher's pending events are below its capacity. 200 with every check's status when all are up;
 * 503 with the same body when one is down, the failing check named by its {@code id} and a
 * {@code reason}. Every probe is asynchronous and gives up after {@link #CHECK_TIMEOUT}.
 */
public final class Health {
  public static final String LIVE = "/health/live";
  public static final String READY = "/health/ready";
  static final Duration CHECK_TIMEOUT = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final RedisClusterAsyncCommands<String, String> redis;
  private final Batcher batcher;
  private final String clickhousePing;
  private final BooleanSupplier historyReady;
  private final WebClient client;

  /**
   * @param clickhouseUrl the ClickHouse HTTP interface, e.g. {@code http://127.0.0.1:8123}
   */
  public Health(Vertx vertx, RedisClusterAsyncCommands<String, String> redis, String clickhouseUrl, Batcher batcher,
      BooleanSupplier historyReady) {
    this.historyReady = Objects.requireNonNull(historyReady, "historyReady");
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.redis = Objects.requireNonNull(redis, "redis");
    this.batcher = Objects.requireNonNull(batcher, "batcher");
    this.clickhousePing = Objects.requireNonNull(clickhouseUrl, "clickhouseUrl").replaceAll("/+$", "") + "/ping";
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setConnectTimeout((int) CHECK_TIMEOUT.toMillis())
        .setUserAgent("engagement-health"));
  }

  public void mount(Router router) {
    HealthChecks live = HealthChecks.create(vertx)
        .register("event-loop", promise -> promise.complete(Status.OK()));
    HealthChecks ready = HealthChecks.create(vertx)
        .register("redis", libraryTimeout(), probe(this::pingRedis))
        .register("clickhouse", libraryTimeout(), probe(this::pingClickHouse))
        .register("batcher", libraryTimeout(), this::batcherBelowCapacity)
        .register("history", libraryTimeout(), this::historySchemaReady);
    router.get(LIVE).handler(HealthCheckHandler.createWithHealthChecks(live));
    router.get(READY).handler(HealthCheckHandler.createWithHealthChecks(ready));
  }

  public void close() {
    client.close();
  }

  private Future<?> pingRedis() {
    return Future.fromCompletionStage(redis.ping(), vertx.getOrCreateContext());
  }

  private Future<?> pingClickHouse() {
    return client.getAbs(clickhousePing).timeout(CHECK_TIMEOUT.toMillis()).send().compose(response ->
        response.statusCode() == 200
            ? Future.succeededFuture()
            : Future.failedFuture("ClickHouse answered HTTP " + response.statusCode()));
  }

  private void batcherBelowCapacity(Promise<Status> promise) {
    int pending = batcher.pending();
    JsonObject data = new JsonObject().put("pending", pending).put("capacity", batcher.capacity());
    promise.complete(pending < batcher.capacity()
        ? Status.OK(data)
        : Status.KO(data.put("reason", "the buffer of events for Redis is full")));
  }

  private void historySchemaReady(Promise<Status> promise) {
    promise.complete(historyReady.getAsBoolean()
        ? Status.OK()
        : Status.KO(new JsonObject().put("reason", "the ClickHouse schema is not created yet, or ClickHouse stopped answering")));
  }

  /**
   * A probe answered DOWN (503) on failure or after the timeout. The health-check library's own timeout
   * would answer 500 ("procedure failed"); ours fires first, so a slow store reads as not ready.
   */
  private static Handler<Promise<Status>> probe(Supplier<Future<?>> check) {
    return promise -> {
      Future<?> attempt;
      try {
        attempt = check.get();
      } catch (RuntimeException e) {
        attempt = Future.failedFuture(e);
      }
      attempt.timeout(CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).onComplete(ar -> promise.tryComplete(
          ar.succeeded() ? Status.OK() : Status.KO(new JsonObject().put("reason", reason(ar.cause())))));
    };
  }

  private static long libraryTimeout() {
    return CHECK_TIMEOUT.multipliedBy(2).toMillis();
  }

  private static String reason(Throwable cause) {
    String message = cause.getMessage();
    return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
  }
}
