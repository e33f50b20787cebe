package news.engagement.health;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import news.engagement.counting.Batcher;

/**
 * {@code /health/live} and {@code /health/ready} for orchestrators such as Kubernetes probes.
 *
 * <p>Ready means "can accept events now": the service is listening and not shutting down, and the
 * batcher's buffer is below its high-water mark. Redis and ClickHouse are probed too, but only
 * reported under {@code details}: while they are away events are buffered, not refused, and an
 * unready fleet would turn a store restart into lost traffic. Every probe is asynchronous and gives up
 * after {@link #CHECK_TIMEOUT}.
 */
public final class Health {
  public static final String LIVE = "/health/live";
  public static final String READY = "/health/ready";
  /** Below the usual 1 s probe timeout of orchestrators, so a stalled store cannot time a probe out. */
  static final Duration CHECK_TIMEOUT = Duration.ofMillis(500);
  /** Unready a little before full, so balancers move traffic away before events get 503. */
  static final double HIGH_WATER = 0.9;

  private final Vertx vertx;
  private final RedisClusterAsyncCommands<String, String> redis;
  private final Batcher batcher;
  private final String clickhousePing;
  private final BooleanSupplier historyReady;
  private final BooleanSupplier accepting;
  private final WebClient client;

  /**
   * @param clickhouseUrl the ClickHouse HTTP interface, e.g. {@code http://127.0.0.1:8123}
   * @param accepting true while the service listens and is not shutting down
   */
  public Health(Vertx vertx, RedisClusterAsyncCommands<String, String> redis, String clickhouseUrl, Batcher batcher,
      BooleanSupplier historyReady, BooleanSupplier accepting) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.redis = Objects.requireNonNull(redis, "redis");
    this.batcher = Objects.requireNonNull(batcher, "batcher");
    this.clickhousePing = Objects.requireNonNull(clickhouseUrl, "clickhouseUrl").replaceAll("/+$", "") + "/ping";
    this.historyReady = Objects.requireNonNull(historyReady, "historyReady");
    this.accepting = Objects.requireNonNull(accepting, "accepting");
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setConnectTimeout((int) CHECK_TIMEOUT.toMillis())
        .setUserAgent("engagement-health"));
  }

  public void mount(Router router) {
    router.get(LIVE).handler(ctx -> answer(ctx, 200, new JsonObject().put("status", "UP")
        .put("checks", new JsonArray().add(check("event-loop", true, null)))));
    router.get(READY).handler(this::ready);
  }

  public void close() {
    client.close();
  }

  private void ready(RoutingContext ctx) {
    boolean listening = accepting.getAsBoolean();
    int pending = batcher.pending();
    int highWater = highWater(batcher.capacity());
    boolean roomy = pending < highWater;
    JsonArray checks = new JsonArray()
        .add(check("http", listening, listening ? null : new JsonObject().put("reason", "shutting down")))
        .add(check("batcher", roomy, new JsonObject().put("pending", pending).put("highWater", highWater)
            .put("capacity", batcher.capacity())
            .put("reason", roomy ? null : "the buffer of events for Redis is above its high-water mark")));
    Future<JsonObject> redisUp = probe(this::pingRedis);
    Future<JsonObject> clickhouseUp = probe(this::pingClickHouse);
    Future.join(redisUp, clickhouseUp).onComplete(ar -> {
      JsonObject details = new JsonObject()
          .put("redis", redisUp.result())
          .put("clickhouse", clickhouseUp.result())
          .put("history", historyReady.getAsBoolean() ? up()
              : down("the ClickHouse schema is not created yet, or ClickHouse stopped answering"));
      boolean ready = listening && roomy;
      answer(ctx, ready ? 200 : 503, new JsonObject().put("status", ready ? "UP" : "DOWN")
          .put("checks", checks).put("details", details));
    });
  }

  static int highWater(int capacity) {
    return Math.max(1, (int) Math.floor(capacity * HIGH_WATER));
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

  /** Always succeeds: with {"status":"UP"}, or "DOWN" and a reason on failure or after the timeout. */
  private static Future<JsonObject> probe(Supplier<Future<?>> check) {
    Future<?> attempt;
    try {
      attempt = check.get();
    } catch (RuntimeException e) {
      attempt = Future.failedFuture(e);
    }
    return attempt.timeout(CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .map(ok -> up())
        .recover(err -> Future.succeededFuture(down(reason(err))));
  }

  private static JsonObject check(String id, boolean ok, JsonObject data) {
    JsonObject check = new JsonObject().put("id", id).put("status", ok ? "UP" : "DOWN");
    if (data != null) {
      data.getMap().values().removeIf(Objects::isNull);
      check.put("data", data);
    }
    return check;
  }

  private static JsonObject up() {
    return new JsonObject().put("status", "UP");
  }

  private static JsonObject down(String reason) {
    return new JsonObject().put("status", "DOWN").put("reason", reason);
  }

  private static void answer(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body.toBuffer());
  }

  private static String reason(Throwable cause) {
    String message = cause.getMessage();
    return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
  }
}
