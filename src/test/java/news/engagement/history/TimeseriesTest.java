package news.engagement.history;

import news.engagement.testing.TestRedis;
import static news.engagement.history.HistoryTesting.article;
import static news.engagement.history.HistoryTesting.dirtyMinutes;
import static news.engagement.history.HistoryTesting.previews;
import static news.engagement.history.HistoryTesting.traffic;
import static news.engagement.testing.RunningService.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import news.engagement.testing.MutableClock;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /v1/editor/articles/{id}/timeseries} over minute-level data written at known times. */
class TimeseriesTest {
  private static final int REDIS_DB = 7;
  private static final String DATABASE = "history_timeseries_test";
  private static final String TOKEN = "timeseries-test-token";

  private static RunningService service;
  private static String article;

  @BeforeAll
  static void writeHistory() {
    Vertx vertx = Vertx.vertx();
    ClickHouseClient clickhouse = TestStores.clickhouse(vertx, DATABASE);
    try (TestRedis connection = TestStores.connect(REDIS_DB)) {
      connection.sync().flushdb();
      await(clickhouse.execute(TestStores.dropDatabase(DATABASE)));
      MutableClock clock = MutableClock.at("2026-05-10T10:00:10Z");
      service = RunningService.start(REDIS_DB, clock,
          Map.of("CLICKHOUSE_DATABASE", DATABASE, "FLUSH_INTERVAL", "1s", "EDITOR_TOKEN", TOKEN));
      article = article("news/2026/05/ts");
      traffic(service, article, "v1", 3, 0, 0);                 // 10:00
      clock.set(Instant.parse("2026-05-10T10:01:30Z"));
      traffic(service, article, "v2", 2, 2, 1);                 // 10:01: 2 views, net 1 like, 1 share
      clock.set(Instant.parse("2026-05-10T10:03:59Z"));
      previews(service, article, 4);                            // 10:03 (10:02 stays empty)
      clock.set(Instant.parse("2026-05-10T11:05:00Z"));
      traffic(service, article, "v3", 5, 0, 0);                 // 11:05
      clock.set(Instant.parse("2026-05-11T09:30:10Z"));
      traffic(service, article, "v4", 1, 0, 0);                 // next day
      HistoryTesting.await("flushed", Duration.ofSeconds(30), () -> dirtyMinutes(connection.sync()) == 0);
    } finally {
      clickhouse.close();
      await(vertx.close());
    }
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @Test
  void minutesWithEmptyOnesAsZeros() {
    JsonObject body = ok("?from=2026-05-10T10:00:00Z&to=2026-05-10T10:05:00Z&interval=minute");
    assertThat(body.getString("article")).isEqualTo(article);
    assertThat(body.getString("interval")).isEqualTo("minute");
    assertThat(body.getString("from")).isEqualTo("2026-05-10T10:00:00Z");
    assertThat(body.getString("to")).isEqualTo("2026-05-10T10:05:00Z");
    assertThat(times(body)).containsExactly("2026-05-10T10:00:00Z", "2026-05-10T10:01:00Z",
        "2026-05-10T10:02:00Z", "2026-05-10T10:03:00Z", "2026-05-10T10:04:00Z");
    assertThat(counts(body)).containsExactly(
        List.of(3L, 0L, 0L, 0L), List.of(2L, 1L, 1L, 0L), List.of(0L, 0L, 0L, 0L), List.of(0L, 0L, 0L, 4L),
        List.of(0L, 0L, 0L, 0L));
  }

  @Test
  void hoursAndDaysStartOnUtcBoundaries() {
    JsonObject hours = ok("?from=2026-05-10T09:15:00Z&to=2026-05-10T13:00:00Z&interval=hour");
    assertThat(times(hours)).containsExactly("2026-05-10T09:00:00Z", "2026-05-10T10:00:00Z",
        "2026-05-10T11:00:00Z", "2026-05-10T12:00:00Z");
    assertThat(counts(hours)).containsExactly(List.of(0L, 0L, 0L, 0L), List.of(5L, 1L, 1L, 4L),
        List.of(5L, 0L, 0L, 0L), List.of(0L, 0L, 0L, 0L));

    JsonObject days = ok("?from=2026-05-09T00:00:00Z&to=2026-05-12T00:00:00Z&interval=day");
    assertThat(times(days)).containsExactly("2026-05-09T00:00:00Z", "2026-05-10T00:00:00Z", "2026-05-11T00:00:00Z");
    assertThat(counts(days)).containsExactly(List.of(0L, 0L, 0L, 0L), List.of(10L, 1L, 1L, 4L), List.of(1L, 0L, 0L, 0L));
  }

  @Test
  void defaultsToTheLast24HoursByHour() {
    JsonObject body = ok("");
    assertThat(body.getString("interval")).isEqualTo("hour");
    assertThat(body.getString("to")).isEqualTo("2026-05-11T09:30:10Z");
    assertThat(body.getString("from")).isEqualTo("2026-05-10T09:30:10Z");
    assertThat(body.getJsonArray("points")).hasSize(25);
    assertThat(counts(body).stream().mapToLong(c -> c.get(0)).sum()).isEqualTo(11L);
  }

  @Test
  void anUnknownArticleIsAllZeros() {
    JsonObject body = get("nobody-" + article.hashCode(), "?from=2026-05-10T10:00:00Z&to=2026-05-10T12:00:00Z",
        TOKEN).bodyAsJsonObject();
    assertThat(counts(body)).containsExactly(List.of(0L, 0L, 0L, 0L), List.of(0L, 0L, 0L, 0L));
  }

  @Test
  void badRequestsAreAnswered400WithAReason() {
    assertThat(error(article, "?interval=week")).isEqualTo("invalid_interval");
    assertThat(error(article, "?from=yesterday")).isEqualTo("invalid_time");
    assertThat(error(article, "?from=2026-05-10T10:00:00Z&to=2026-05-10T10:00:00Z")).isEqualTo("invalid_range");
    assertThat(error(article, "?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z&interval=minute"))
        .isEqualTo("range_too_large");
    assertThat(error("-starts-with-a-dash", "")).isEqualTo("invalid_article");
  }

  @Test
  void needsTheEditorToken() {
    assertThat(get(article, "", null).statusCode()).isEqualTo(401);
    assertThat(get(article, "", "wrong-token").statusCode()).isEqualTo(401);
  }

  private static JsonObject ok(String query) {
    HttpResponse<Buffer> response = get(article, query, TOKEN);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private static String error(String id, String query) {
    HttpResponse<Buffer> response = get(id, query, TOKEN);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(400);
    return response.bodyAsJsonObject().getString("error");
  }

  private static HttpResponse<Buffer> get(String id, String query, String token) {
    var request = service.client.get("/v1/editor/articles/" + id + "/timeseries" + query);
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    return await(request.send());
  }

  private static List<String> times(JsonObject body) {
    JsonArray points = body.getJsonArray("points");
    return IntStream.range(0, points.size()).mapToObj(i -> points.getJsonObject(i).getString("time")).toList();
  }

  /** Each point as [views, likes, shares, previews]. */
  private static List<List<Long>> counts(JsonObject body) {
    JsonArray points = body.getJsonArray("points");
    return IntStream.range(0, points.size()).mapToObj(points::getJsonObject)
        .map(p -> List.of(p.getLong("views"), p.getLong("likes"), p.getLong("shares"), p.getLong("previews")))
        .toList();
  }
}
