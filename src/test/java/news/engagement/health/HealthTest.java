package news.engagement.health;

import static news.engagement.testing.RunningService.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import news.engagement.counting.Batcher;
import news.engagement.counting.Countable;
import news.engagement.counting.Keys;
import news.engagement.counting.Limits;
import news.engagement.counting.Retention;
import news.engagement.metrics.EngagementMetrics;
import news.engagement.metrics.EngagementMetrics.CountedType;
import news.engagement.redis.RedisStore;
import news.engagement.testing.FreePort;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * /health/live and /health/ready against the real Redis and ClickHouse, and against broken ones: a
 * closed Redis connection, a ClickHouse port nobody listens on, one that never answers, a full buffer.
 * Ready means "can accept events": store outages are reported in details, never as unready.
 */
class HealthTest {
  private static final int REDIS_DB = 9;

  private Vertx vertx;
  private RedisClient redisClient;
  private StatefulRedisConnection<String, String> redis;
  private Health health;

  @BeforeEach
  void connect() {
    vertx = Vertx.vertx();
    redisClient = RedisClient.create();
    redis = TestStores.redis(redisClient, REDIS_DB);
  }

  @AfterEach
  void close() {
    if (health != null) {
      health.close();
    }
    redis.close();
    redisClient.shutdown();
    await(vertx.close());
  }

  @Test
  void theRunningServiceIsLiveAndReadyWithEveryStoreUp() throws InterruptedException {
    try (RunningService service = RunningService.start(REDIS_DB, Clock.systemUTC(),
        Map.of("CLICKHOUSE_DATABASE", "obs_health"))) {
      HttpResponse<Buffer> live = service.get(Health.LIVE);
      assertThat(live.statusCode()).isEqualTo(200);
      assertThat(live.getHeader("Content-Type")).startsWith("application/json");
      assertThat(live.bodyAsJsonObject().getString("status")).isEqualTo("UP");

      HttpResponse<Buffer> ready = service.get(Health.READY);
      assertThat(ready.statusCode()).as(ready.bodyAsString()).isEqualTo(200);
      assertThat(ready.bodyAsJsonObject().getString("status")).isEqualTo("UP");
      assertThat(statuses(ready.bodyAsJsonObject())).containsExactlyInAnyOrderEntriesOf(
          Map.of("http", "UP", "batcher", "UP"));
      // The schema is created without waiting for ClickHouse: its detail turns UP shortly after start.
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (!"UP".equals(detail(ready.bodyAsJsonObject(), "history")) && System.nanoTime() < deadline) {
        Thread.sleep(100);
        ready = service.get(Health.READY);
      }
      JsonObject body = ready.bodyAsJsonObject();
      assertThat(Map.of("redis", detail(body, "redis"), "clickhouse", detail(body, "clickhouse"),
          "history", detail(body, "history"))).containsOnlyKeys("redis", "clickhouse", "history")
          .allSatisfy((store, status) -> assertThat(status).as(store).isEqualTo("UP"));
    }
  }

  @Test
  void readyWhileClickHouseDoesNotListenWhichTheDetailsShow() {
    int deadPort = FreePort.pick();
    JsonObject body = expectReady(health(redis, "http://127.0.0.1:" + deadPort, batcher(10), () -> true, () -> true));
    assertThat(detail(body, "clickhouse")).isEqualTo("DOWN");
    assertThat(body.getJsonObject("details").getJsonObject("clickhouse").getString("reason")).isNotBlank();
    assertThat(detail(body, "redis")).isEqualTo("UP");
  }

  @Test
  void readyWhenClickHouseDoesNotAnswerWithinTheTimeout() {
    NetServer silent = await(vertx.createNetServer().connectHandler(socket -> { }).listen(0, "127.0.0.1"));
    JsonObject body = expectReady(
        health(redis, "http://127.0.0.1:" + silent.actualPort(), batcher(10), () -> true, () -> true));
    assertThat(detail(body, "clickhouse")).isEqualTo("DOWN");
    assertThat(detail(body, "redis")).isEqualTo("UP");
  }

  @Test
  void readyWhenRedisDoesNotAnswerWhichTheDetailsShow() {
    StatefulRedisConnection<String, String> closed = TestStores.redis(redisClient, REDIS_DB);
    closed.close();
    JsonObject body = expectReady(health(closed, TestStores.clickhouseUrl(), batcher(10), () -> true, () -> true));
    assertThat(detail(body, "redis")).isEqualTo("DOWN");
    assertThat(detail(body, "clickhouse")).isEqualTo("UP");
  }

  @Test
  void readyBeforeTheHistorySchemaExists() {
    JsonObject body = expectReady(health(redis, TestStores.clickhouseUrl(), batcher(10), () -> false, () -> true));
    assertThat(detail(body, "history")).isEqualTo("DOWN");
    assertThat(body.getJsonObject("details").getJsonObject("history").getString("reason")).contains("schema");
  }

  @Test
  void notReadyOnceTheBufferPassesItsHighWaterMark() {
    Batcher filling = batcher(10);
    for (int i = 0; i < Health.highWater(10) - 1; i++) {
      assertThat(filling.offer(new Countable(CountedType.VIEW, "a1", "visitor-" + i, null))).isTrue();
    }
    expectReady(health(redis, TestStores.clickhouseUrl(), filling, () -> true, () -> true));
    health.close();
    assertThat(filling.offer(new Countable(CountedType.VIEW, "a1", "visitor-last", null))).isTrue();
    JsonObject body = expectNotReady(health(redis, TestStores.clickhouseUrl(), filling, () -> true, () -> true));
    assertThat(statuses(body)).containsExactlyInAnyOrderEntriesOf(Map.of("http", "UP", "batcher", "DOWN"));
    assertThat(check(body, "batcher").getJsonObject("data").getInteger("pending")).isEqualTo(9);
    assertThat(check(body, "batcher").getJsonObject("data").getInteger("highWater")).isEqualTo(9);
  }

  @Test
  void notReadyWhileShuttingDown() {
    JsonObject body = expectNotReady(health(redis, TestStores.clickhouseUrl(), batcher(10), () -> true, () -> false));
    assertThat(statuses(body)).containsExactlyInAnyOrderEntriesOf(Map.of("http", "DOWN", "batcher", "UP"));
    assertThat(check(body, "http").getJsonObject("data").getString("reason")).contains("shutting down");
  }

  private Health health(StatefulRedisConnection<String, String> connection, String clickhouseUrl, Batcher batcher,
      java.util.function.BooleanSupplier historyReady, java.util.function.BooleanSupplier accepting) {
    return new Health(vertx, connection.async(), clickhouseUrl, batcher, historyReady, accepting);
  }

  private JsonObject expectReady(Health underTest) {
    return probe(underTest, 200, "UP");
  }

  private JsonObject expectNotReady(Health underTest) {
    return probe(underTest, 503, "DOWN");
  }

  private JsonObject probe(Health underTest, int status, String word) {
    health = underTest;
    Router router = Router.router(vertx);
    health.mount(router);
    HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    WebClient client = WebClient.create(vertx);
    try {
      HttpResponse<Buffer> live = await(client.get(server.actualPort(), "127.0.0.1", Health.LIVE).send());
      assertThat(live.statusCode()).as("live whatever readiness says").isEqualTo(200);
      HttpResponse<Buffer> ready = await(client.get(server.actualPort(), "127.0.0.1", Health.READY).send());
      assertThat(ready.statusCode()).as(ready.bodyAsString()).isEqualTo(status);
      JsonObject body = ready.bodyAsJsonObject();
      assertThat(body.getString("status")).isEqualTo(word);
      return body;
    } finally {
      client.close();
      await(server.close());
    }
  }

  private Batcher batcher(int capacity) {
    EngagementMetrics metrics = new EngagementMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    return new Batcher(new RedisStore.ShardScripts.Single(redis.async()), new Keys(Keys.DEFAULT_SHARDS),
        Retention.DEFAULT, metrics, Clock.systemUTC(), Duration.ofMillis(10), new Limits(Duration.ofMinutes(30), 0), 100,
        capacity,
        Duration.ofSeconds(1));
  }

  private static String detail(JsonObject body, String store) {
    return body.getJsonObject("details").getJsonObject(store).getString("status");
  }

  private static Map<String, Object> statuses(JsonObject body) {
    JsonObject byId = new JsonObject();
    JsonArray checks = body.getJsonArray("checks");
    for (int i = 0; i < checks.size(); i++) {
      byId.put(checks.getJsonObject(i).getString("id"), checks.getJsonObject(i).getString("status"));
    }
    return byId.getMap();
  }

  private static JsonObject check(JsonObject body, String id) {
    JsonArray checks = body.getJsonArray("checks");
    for (int i = 0; i < checks.size(); i++) {
      if (id.equals(checks.getJsonObject(i).getString("id"))) {
        return checks.getJsonObject(i);
      }
    }
    throw new AssertionError("no check " + id + " in " + body);
  }
}
