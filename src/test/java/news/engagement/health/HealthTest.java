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
import news.engagement.counting.Keys;
import news.engagement.counting.Retention;
import news.engagement.redis.RedisStore;
import news.engagement.counting.Countable;
import news.engagement.metrics.EngagementMetrics;
import news.engagement.metrics.EngagementMetrics.CountedType;
import news.engagement.testing.FreePort;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * /health/live and /health/ready against the real Redis and ClickHouse, and against broken ones: a
 * closed Redis connection, a ClickHouse port nobody listens on, one that never answers, a full buffer.
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
  void theRunningServiceIsLiveAndReady() throws InterruptedException {
    try (RunningService service = RunningService.start(REDIS_DB, Clock.systemUTC(),
        Map.of("CLICKHOUSE_DATABASE", "obs_health"))) {
      HttpResponse<Buffer> live = service.get(Health.LIVE);
      assertThat(live.statusCode()).isEqualTo(200);
      assertThat(live.getHeader("Content-Type")).startsWith("application/json");
      assertThat(live.bodyAsJsonObject().getString("status")).isEqualTo("UP");

      // Ready once the ClickHouse schema exists, which start-up creates without waiting for it.
      HttpResponse<Buffer> ready = service.get(Health.READY);
      long deadline = System.nanoTime() + java.time.Duration.ofSeconds(15).toNanos();
      while (ready.statusCode() != 200 && System.nanoTime() < deadline) {
        Thread.sleep(100);
        ready = service.get(Health.READY);
      }
      assertThat(ready.statusCode()).as(ready.bodyAsString()).isEqualTo(200);
      assertThat(ready.bodyAsJsonObject().getString("status")).isEqualTo("UP");
      assertThat(statuses(ready.bodyAsJsonObject())).containsExactlyInAnyOrderEntriesOf(
          Map.of("redis", "UP", "clickhouse", "UP", "batcher", "UP", "history", "UP"));
    }
  }

  @Test
  void notReadyWhileClickHouseDoesNotListen() {
    int deadPort = FreePort.pick();
    JsonObject body = expectNotReady(new Health(vertx, redis.async(), "http://127.0.0.1:" + deadPort, batcher(10), () -> true));
    assertThat(statuses(body)).containsExactlyInAnyOrderEntriesOf(
        Map.of("redis", "UP", "clickhouse", "DOWN", "batcher", "UP", "history", "UP"));
    assertThat(check(body, "clickhouse").getJsonObject("data").getString("reason")).isNotBlank();
  }

  @Test
  void notReadyWhenClickHouseDoesNotAnswerWithinTheTimeout() {
    NetServer silent = await(vertx.createNetServer().connectHandler(socket -> { }).listen(0, "127.0.0.1"));
    JsonObject body = expectNotReady(
        new Health(vertx, redis.async(), "http://127.0.0.1:" + silent.actualPort(), batcher(10), () -> true));
    assertThat(statuses(body)).containsEntry("clickhouse", "DOWN").containsEntry("redis", "UP");
  }

  @Test
  void notReadyWhenRedisDoesNotAnswer() {
    StatefulRedisConnection<String, String> closed = TestStores.redis(redisClient, REDIS_DB);
    closed.close();
    JsonObject body = expectNotReady(new Health(vertx, closed.async(), TestStores.clickhouseUrl(), batcher(10), () -> true));
    assertThat(statuses(body)).containsExactlyInAnyOrderEntriesOf(
        Map.of("redis", "DOWN", "clickhouse", "UP", "batcher", "UP", "history", "UP"));
  }

  @Test
  void notReadyWhileTheBufferIsFull() {
    Batcher full = batcher(2);
    assertThat(full.offer(new Countable(CountedType.VIEW, "a1", "visitor-1", null))).isTrue();
    assertThat(full.offer(new Countable(CountedType.VIEW, "a1", "visitor-2", null))).isTrue();
    JsonObject body = expectNotReady(new Health(vertx, redis.async(), TestStores.clickhouseUrl(), full, () -> true));
    assertThat(statuses(body)).containsExactlyInAnyOrderEntriesOf(
        Map.of("redis", "UP", "clickhouse", "UP", "batcher", "DOWN", "history", "UP"));
    assertThat(check(body, "batcher").getJsonObject("data").getInteger("pending")).isEqualTo(2);
  }

  @Test
  void notReadyUntilTheHistorySchemaExists() {
    JsonObject body = expectNotReady(
        new Health(vertx, redis.async(), TestStores.clickhouseUrl(), batcher(10), () -> false));
    assertThat(statuses(body)).containsExactlyInAnyOrderEntriesOf(
        Map.of("redis", "UP", "clickhouse", "UP", "batcher", "UP", "history", "DOWN"));
    assertThat(check(body, "history").getJsonObject("data").getString("reason")).contains("schema");
  }

  private JsonObject expectNotReady(Health underTest) {
    health = underTest;
    Router router = Router.router(vertx);
    health.mount(router);
    HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    WebClient client = WebClient.create(vertx);
    try {
      HttpResponse<Buffer> live = await(client.get(server.actualPort(), "127.0.0.1", Health.LIVE).send());
      assertThat(live.statusCode()).as("live even when not ready").isEqualTo(200);
      HttpResponse<Buffer> ready = await(client.get(server.actualPort(), "127.0.0.1", Health.READY).send());
      assertThat(ready.statusCode()).as(ready.bodyAsString()).isEqualTo(503);
      JsonObject body = ready.bodyAsJsonObject();
      assertThat(body.getString("status")).isEqualTo("DOWN");
      return body;
    } finally {
      client.close();
      await(server.close());
    }
  }

  private Batcher batcher(int capacity) {
    EngagementMetrics metrics = new EngagementMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    return new Batcher(new RedisStore.ShardScripts.Single(redis.async()), new Keys(Keys.DEFAULT_SHARDS), Retention.DEFAULT, metrics, Clock.systemUTC(),
        Duration.ofMillis(10), Duration.ofMinutes(30), 100, capacity, Duration.ofSeconds(5));
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
