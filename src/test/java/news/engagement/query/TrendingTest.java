package news.engagement.query;

import static news.engagement.query.Traffic.send;
import static news.engagement.query.Traffic.top;
import static news.engagement.query.Traffic.views;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import news.engagement.testing.MutableClock;
import news.engagement.testing.RunningService;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /v1/editor/trending} on the real Redis, and the editor token guard in front of it. */
class TrendingTest {
  static final int REDIS_DB = 3;
  static final String TOKEN = "test-editor-token-3f9a";
  static final Instant NOW = Instant.parse("2026-03-10T12:30:00Z");

  private final MutableClock clock = MutableClock.at("2026-03-09T11:10:00Z");
  private RunningService service;

  @BeforeEach
  void start() {
    Traffic.flush(REDIS_DB);
    service = RunningService.start(REDIS_DB, clock,
        Map.of("CLICKHOUSE_DATABASE", "test_trending", "EDITOR_TOKEN", TOKEN));
  }

  @AfterEach
  void stop() {
    service.close();
  }

  @Test
  void editorRoutesNeedTheToken() {
    for (String path : List.of("/v1/editor/trending", "/v1/editor/trending?window=24h", "/v1/editor/no-such-page")) {
      assertThat(editorGet(path, null).statusCode()).as(path).isEqualTo(401);
      assertThat(editorGet(path, "Bearer wrong-token").statusCode()).as(path).isEqualTo(401);
      assertThat(editorGet(path, "Bearer " + TOKEN + "x").statusCode()).as(path).isEqualTo(401);
      assertThat(editorGet(path, "Basic " + TOKEN).statusCode()).as(path).isEqualTo(401);
      HttpResponse<Buffer> denied = editorGet(path, "Bearer " + TOKEN.substring(1));
      assertThat(denied.statusCode()).as(path).isEqualTo(401);
      assertThat(denied.bodyAsJsonObject().getString("error")).isEqualTo("unauthorized");
      assertThat(denied.getHeader("WWW-Authenticate")).startsWith("Bearer");
    }
    HttpResponse<Buffer> ok = editorGet("/v1/editor/trending", "Bearer " + TOKEN);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.getHeader("Cache-Control")).isEqualTo("private, max-age=10, stale-while-revalidate=30");
    assertThat(ok.bodyAsJsonObject().getJsonArray("items")).isEmpty();
  }

  @Test
  void withoutAConfiguredTokenTheEditorRoutesAreOff() {
    try (RunningService off = RunningService.start(REDIS_DB, clock, Map.of("CLICKHOUSE_DATABASE", "test_trending"))) {
      for (String auth : new String[] {null, "Bearer " + TOKEN, "Bearer "}) {
        HttpResponse<Buffer> response = RunningService.await(auth == null
            ? off.client.get("/v1/editor/trending").send()
            : off.client.get("/v1/editor/trending").putHeader("Authorization", auth).send());
        assertThat(response.statusCode()).as(String.valueOf(auth)).isEqualTo(503);
        assertThat(response.bodyAsJsonObject().getString("error")).isEqualTo("editor_disabled");
      }
      // The public API is not affected.
      assertThat(off.get("/v1/top").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aSmallArticlesSuddenRiseOutranksABigStorysSteadyTrafficAndThreeViewsDoNot() {
    // Baseline: the 24 whole hours before the window's first hour (window 11:35..12:30, baseline to 11:00).
    for (int hour = 0; hour < 24; hour++) {
      clock.set(Instant.parse("2026-03-09T11:10:00Z").plus(Duration.ofHours(hour)));
      List<JsonObject> events = new ArrayList<>(views("big", "big-" + hour, 100));
      events.addAll(views("small", "small-" + hour, 1));
      send(service, events);
    }
    // The window: big keeps its pace, small jumps from 1 to 60 views an hour, tiny appears with 3.
    clock.set(Instant.parse("2026-03-10T11:40:00Z"));
    List<JsonObject> first = new ArrayList<>(views("big", "big-now-a", 50));
    first.addAll(views("small", "small-now-a", 30));
    first.addAll(views("tiny", "tiny-now", 3));
    send(service, first);
    clock.set(Instant.parse("2026-03-10T12:20:00Z"));
    List<JsonObject> second = new ArrayList<>(views("big", "big-now-b", 50));
    second.addAll(views("small", "small-now-b", 30));
    send(service, second);

    clock.set(NOW);
    // The top list ranks by volume: big first.
    assertThat(top(service, "metric=views&window=1h").keySet()).containsExactly("big", "small", "tiny");

    JsonObject body = trending("window=1h");
    assertThat(body.getString("from")).isEqualTo("2026-03-10T11:35:00Z");
    assertThat(body.getString("baselineFrom")).isEqualTo("2026-03-09T11:00:00Z");
    assertThat(body.getString("baselineTo")).isEqualTo("2026-03-10T11:00:00Z");
    JsonArray items = body.getJsonArray("items");
    assertThat(items.stream().map(o -> ((JsonObject) o).getString("article")).toList())
        .containsExactly("small", "big", "tiny");
    JsonObject small = items.getJsonObject(0);
    JsonObject big = items.getJsonObject(1);
    JsonObject tiny = items.getJsonObject(2);
    assertThat(small.getLong("recent")).isEqualTo(60);
    assertThat(big.getLong("recent")).isEqualTo(100);
    assertThat(tiny.getLong("recent")).isEqualTo(3);
    // The window covers 55 minutes so far: the baseline is scaled to 55/60 of the hourly rate.
    assertThat(big.getDouble("baseline")).isCloseTo(2400 * 55 / 60.0 / 24, Offset.offset(0.01));
    assertThat(small.getDouble("baseline")).isCloseTo(24 * 55 / 60.0 / 24, Offset.offset(0.01));
    assertThat(tiny.getDouble("baseline")).isZero();
    assertThat(small.getDouble("score")).isGreaterThan(1.0).isGreaterThan(big.getDouble("score"));
    assertThat(tiny.getDouble("score")).isLessThan(big.getDouble("score")).isLessThan(0.5);

    assertThat(trending("window=1h&limit=1").getJsonArray("items")).hasSize(1);
    JsonObject day = trending("window=24h");
    assertThat(day.getString("baselineTo")).isEqualTo("2026-03-09T13:00:00Z");
    assertThat(day.getJsonArray("items")).isNotEmpty();
  }

  @Test
  void badParametersAreClear400s() {
    for (String query : List.of("window=7d", "window=30d", "window=5m", "limit=0", "limit=101", "limit=x")) {
      HttpResponse<Buffer> response = editorGet("/v1/editor/trending?" + query, "Bearer " + TOKEN);
      assertThat(response.statusCode()).as(query).isEqualTo(400);
      assertThat(response.bodyAsJsonObject().getString("error")).as(query).startsWith("invalid_");
    }
  }

  private JsonObject trending(String query) {
    HttpResponse<Buffer> response = editorGet("/v1/editor/trending?" + query, "Bearer " + TOKEN);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private HttpResponse<Buffer> editorGet(String path, String authorization) {
    var request = service.client.get(path);
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    return RunningService.await(request.send());
  }
}
