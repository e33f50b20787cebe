package news.engagement.presence;

import static news.engagement.presence.PresenceTraffic.ping;
import static news.engagement.presence.PresenceTraffic.view;
import static news.engagement.testing.RunningService.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import news.engagement.history.ClickHouseClient;
import news.engagement.testing.HistoryViews;
import news.engagement.testing.MutableClock;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestRedis;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One article for editors ({@code GET /v1/editor/articles/{id}}): read depth counted once per visitor and
 * threshold, engaged time from Redis and ClickHouse without double counting, the engaged series, and
 * {@code article_engagement} with its engaged columns. Real Redis and ClickHouse, a test clock.
 */
class ArticlePresenceTest {
  private static final int REDIS_DB = 5;
  private static final String DATABASE = "presence_article_test";
  private static final String TOKEN = "article-presence-token";

  private static Vertx vertx;
  private static ClickHouseClient clickhouse;

  private MutableClock clock;
  private RunningService service;

  @BeforeAll
  static void stores() {
    vertx = Vertx.vertx();
    clickhouse = new ClickHouseClient(vertx, TestStores.clickhouseUrl(), DATABASE, "default", "");
    await(clickhouse.execute("DROP DATABASE IF EXISTS " + DATABASE));
  }

  @AfterAll
  static void closeStores() {
    clickhouse.close();
    await(vertx.close());
  }

  @AfterEach
  void stop() {
    if (service != null) {
      service.close();
    }
  }

  private void start(String isoStart) {
    TestStores.flush(REDIS_DB);
    clock = MutableClock.at(isoStart);
    service = RunningService.start(REDIS_DB, clock, Map.of("CLICKHOUSE_DATABASE", DATABASE, "EDITOR_TOKEN", TOKEN,
        "PRESENCE_INTERVAL", "10ms", "PRESENCE_FLUSH_INTERVAL", "1h", "FLUSH_INTERVAL", "100ms"));
  }

  private Presence presence() {
    return service.service.room(Presence.class);
  }

  @Test
  void readDepthCountsEachVisitorOncePerThreshold() {
    start("2027-02-01T10:00:05Z");
    String article = "depth-" + UUID.randomUUID().toString().substring(0, 8);
    // ann scrolls on to 60 % over two pings, bea reads to the end (and pings again), cid stops at 30 %,
    // dan pings at the top without engaging; eve only views (no script: no depth).
    post(ping(article, "reader-ann", 10, 10), ping(article, "reader-bea", 15, 100), ping(article, "reader-cid", 5, 30),
        ping(article, "reader-dan", 0, 0), view(article, "reader-eve"));
    post(ping(article, "reader-ann", 12, 60), ping(article, "reader-bea", 15, 100));
    clock.advance(Duration.ofSeconds(20));
    post(ping(article, "reader-bea", 3, 100), ping(article, "reader-cid", 4, 24));

    JsonObject depth = editorArticle(article).getJsonObject("readDepth");
    assertThat(depth.getLong("readers")).isEqualTo(4);
    assertThat(depth.getJsonObject("reached")).isEqualTo(new JsonObject().put("25", 3L).put("50", 2L)
        .put("75", 1L).put("100", 1L));
    assertThat(depth.getJsonObject("shares")).isEqualTo(new JsonObject().put("25", 0.75).put("50", 0.5)
        .put("75", 0.25).put("100", 0.25));
    try (TestRedis redis = TestStores.connect(REDIS_DB)) {
      // Bounded: the depth keys live as long as the article's totals, at least a day; never without a TTL.
      for (String part : ReadDepth.PARTS) {
        assertThat(redis.sync().pttl(service.service.keys().readDepth(article, part))).as(part)
            .isGreaterThan(Duration.ofHours(23).toMillis());
      }
    }
  }

  @Test
  void oneCallGivesCountsReadersNowEngagedTimeAndDepthCountingNoMinuteTwice() throws Exception {
    start("2027-02-01T23:30:05Z");
    String article = "whole-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(await(service.client.get("/v1/editor/articles/" + article).send()).statusCode()).isEqualTo(401);

    // Yesterday (UTC): two readers engage 30 s in all; flushed to ClickHouse.
    post(view(article, "reader-one"), view(article, "reader-two"), ping(article, "reader-one", 20, 50),
        ping(article, "reader-two", 10, 100));
    await(presence().flushNow());
    // 70 minutes later (today): reader-one engages 7 s more; flushed too, so that minute is in both stores.
    clock.advance(Duration.ofMinutes(70));
    post(ping(article, "reader-one", 7, 80));
    await(presence().flushNow());
    HistoryViews.await(DATABASE, article, 2, Duration.ofSeconds(30));

    JsonObject body = editorArticle(article);
    assertThat(body.getString("article")).isEqualTo(article);
    assertThat(body.getLong("views")).isEqualTo(2);
    assertThat(body.getLong("uniques")).isEqualTo(2);
    assertThat(body.getJsonObject("shares").getLong("total")).isZero();
    assertThat(body.getLong("readingNow")).isEqualTo(1);
    assertThat(body.getJsonObject("engaged")).isEqualTo(new JsonObject().put("last5m", 7L).put("today", 7L)
        .put("total", 37L).put("visitors", 2L).put("averageSeconds", 19L));
    assertThat(body.getJsonObject("readDepth").getLong("readers")).isEqualTo(2);

    // The chart's engaged series: per hour, from ClickHouse.
    JsonArray points = PresenceTraffic.editor(service, TOKEN, "/v1/editor/articles/" + article
        + "/engaged?from=2027-02-01T23:00:00Z&to=2027-02-02T01:00:00Z&interval=hour").getJsonArray("points");
    assertThat(points).containsExactly(
        new JsonObject().put("time", "2027-02-01T23:00:00Z").put("engagedSeconds", 30L).put("engagedVisitors", 2L),
        new JsonObject().put("time", "2027-02-02T00:00:00Z").put("engagedSeconds", 7L).put("engagedVisitors", 1L));

    // The contract view carries engaged time beside the counts; every column sums exactly.
    assertThat(await(clickhouse.queryTabSeparated("SELECT sum(views), sum(engaged_seconds), sum(engaged_visitors) "
        + "FROM " + DATABASE + ".article_engagement WHERE article_id = '" + article + "' FORMAT TabSeparated")).get(0))
        .containsExactly("2", "37", "3");
  }

  @Test
  void subResourcesOfAnArticleWhoseIdHasSlashesAreNotTakenForTheArticle() {
    start("2027-02-01T12:00:05Z");
    String article = "news/2027/slash-" + UUID.randomUUID().toString().substring(0, 6);
    post(ping(article, "reader-sla", 9, 40));
    assertThat(editorArticle(article).getJsonObject("engaged").getLong("last5m")).isEqualTo(9);
    await(presence().flushNow()); // creates the engaged tables (before it, the series answers 503)
    assertThat(PresenceTraffic.editor(service, TOKEN, "/v1/editor/articles/" + article + "/timeseries")
        .getString("article")).isEqualTo(article);
    assertThat(PresenceTraffic.editor(service, TOKEN, "/v1/editor/articles/" + article + "/engaged?interval=day")
        .getString("article")).isEqualTo(article);
    assertThat(await(service.client.get("/v1/editor/articles/" + article + "/engaged?interval=week")
        .putHeader("Authorization", "Bearer " + TOKEN).send()).statusCode()).isEqualTo(400);
  }

  private JsonObject editorArticle(String article) {
    return PresenceTraffic.editor(service, TOKEN, "/v1/editor/articles/" + article);
  }

  private void post(JsonObject... events) {
    PresenceTraffic.post(service, new ArrayList<>(List.of(events)), RunningService.BROWSER_UA);
    PresenceTraffic.awaitWritten(service);
  }
}
