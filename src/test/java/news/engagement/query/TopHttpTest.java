package news.engagement.query;

import static news.engagement.query.Traffic.like;
import static news.engagement.query.Traffic.ordered;
import static news.engagement.query.Traffic.send;
import static news.engagement.query.Traffic.share;
import static news.engagement.query.Traffic.top;
import static news.engagement.query.Traffic.unlike;
import static news.engagement.query.Traffic.view;
import static news.engagement.query.Traffic.views;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import news.engagement.testing.MutableClock;
import news.engagement.testing.RunningService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /v1/top} against the real Redis: order, ties, limits, parameters, caching headers. */
class TopHttpTest {
  static final int REDIS_DB = 2;

  private final MutableClock clock = MutableClock.at("2026-03-10T12:00:10Z");
  private RunningService service;

  @BeforeEach
  void start() {
    Traffic.flush(REDIS_DB);
    service = RunningService.start(REDIS_DB, clock, Map.of("CLICKHOUSE_DATABASE", "test_top_http"));
  }

  @AfterEach
  void stop() {
    service.close();
  }

  @Test
  void highestFirstTiesByIdAscendingAlsoWhenTheLimitCutsThroughATie() {
    List<JsonObject> events = new ArrayList<>();
    events.addAll(views("zeta", "z", 3));
    events.addAll(views("alpha", "a", 3));
    events.addAll(views("mid", "m", 5));
    events.addAll(views("beta", "b", 3));
    events.addAll(views("omega", "o", 1));
    send(service, events);

    for (String window : List.of("1h", "24h", "7d", "30d")) {
      assertThat(top(service, "metric=views&window=" + window)).as(window).containsExactlyEntriesOf(
          ordered("mid", 5, "alpha", 3, "beta", 3, "zeta", 3, "omega", 1));
    }
    assertThat(top(service, "metric=views&window=1h&limit=2")).containsExactlyEntriesOf(ordered("mid", 5, "alpha", 3));
    assertThat(top(service, "metric=views&window=1h&limit=3"))
        .containsExactlyEntriesOf(ordered("mid", 5, "alpha", 3, "beta", 3));
    assertThat(top(service, "metric=views&window=1h&limit=1")).containsExactlyEntriesOf(ordered("mid", 5));
  }

  @Test
  void defaultLimitIsTenAndAHundredIsAllowed() {
    List<JsonObject> events = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      events.add(view(String.format("art-%03d", i), "vid-visitor-1"));
    }
    events.addAll(views("art-119", "extra", 1));
    send(service, events);

    Map<String, Long> byDefault = top(service, "metric=views&window=24h");
    assertThat(byDefault).hasSize(10);
    assertThat(byDefault.keySet()).containsExactly("art-119", "art-000", "art-001", "art-002", "art-003",
        "art-004", "art-005", "art-006", "art-007", "art-008");
    assertThat(top(service, "metric=views&window=24h&limit=100")).hasSize(100).containsEntry("art-098", 1L)
        .doesNotContainKey("art-099");
  }

  @Test
  void likesAreNetWithinTheWindowAndNeverListedAtZeroOrBelow() {
    send(service, List.of(
        like("liked", "vid-liker-1"), like("liked", "vid-liker-2"), like("liked", "vid-liker-2"),
        like("undone", "vid-liker-1"), unlike("undone", "vid-liker-1"),
        unlike("never-liked", "vid-liker-3"),
        like("one", "vid-liker-3")));
    assertThat(top(service, "metric=likes&window=1h")).containsExactlyEntriesOf(ordered("liked", 2, "one", 1));

    // An hour later the likes happened outside the 1h window; unliking now makes the window net negative.
    clock.set(Instant.parse("2026-03-10T13:30:00Z"));
    send(service, List.of(unlike("liked", "vid-liker-1"), unlike("liked", "vid-liker-2"), like("later", "vid-liker-4")));
    assertThat(top(service, "metric=likes&window=1h")).containsExactlyEntriesOf(ordered("later", 1));
    assertThat(top(service, "metric=likes&window=24h")).containsExactlyEntriesOf(ordered("later", 1, "one", 1));
  }

  @Test
  void sharesAddUpOverNetworksAndUniquesCountVisitors() {
    send(service, List.of(
        share("shared", "vid-sharer-1", "telegram"), share("shared", "vid-sharer-1", "twitter"),
        share("shared", "vid-sharer-1", "telegram"), share("other", "vid-sharer-2", "copy"),
        view("shared", "vid-reader-1"), view("shared", "vid-reader-1"), view("other", "vid-reader-1"),
        view("other", "vid-reader-2"), view("other", "vid-reader-3")));
    assertThat(top(service, "metric=shares&window=1h")).containsExactlyEntriesOf(ordered("shared", 2, "other", 1));
    assertThat(top(service, "metric=uniques&window=1h")).containsExactlyEntriesOf(ordered("other", 3, "shared", 1));
  }

  @Test
  void defaultsAreViewsOverTwentyFourHoursAndTheAnswerIsBrieflyCacheable() {
    send(service, views("read", "r", 2));
    HttpResponse<Buffer> response = service.get("/v1/top");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("metric")).isEqualTo("views");
    assertThat(body.getString("window")).isEqualTo("24h");
    assertThat(body.getString("from")).isEqualTo("2026-03-09T13:00:00Z");
    assertThat(Traffic.items(body)).containsExactlyEntriesOf(ordered("read", 2));
    assertThat(response.getHeader("Cache-Control")).isEqualTo("public, max-age=30, stale-while-revalidate=60");
    assertThat(service.get("/v1/top?window=1h").getHeader("Cache-Control")).isEqualTo("public, max-age=10, stale-while-revalidate=20");
    assertThat(service.get("/v1/top?window=30d").getHeader("Cache-Control")).isEqualTo("public, max-age=60, stale-while-revalidate=120");
  }

  @Test
  void badParametersAreClear400s() {
    assertBad("metric=previews", "invalid_metric");
    assertBad("metric=", "invalid_metric");
    assertBad("metric=VIEWS", "invalid_metric");
    assertBad("window=2h", "invalid_window");
    assertBad("window=", "invalid_window");
    assertBad("limit=0", "invalid_limit");
    assertBad("limit=101", "invalid_limit");
    assertBad("limit=-1", "invalid_limit");
    assertBad("limit=abc", "invalid_limit");
    assertBad("limit=2.5", "invalid_limit");
    assertBad("limit=", "invalid_limit");
    assertBad("limit=99999999999999999999", "invalid_limit");
  }

  private void assertBad(String query, String code) {
    HttpResponse<Buffer> response = service.get("/v1/top?" + query);
    assertThat(response.statusCode()).as(query).isEqualTo(400);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("error")).as(query).isEqualTo(code);
    assertThat(body.getString("message")).as(query).isNotBlank();
    assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
  }
}
