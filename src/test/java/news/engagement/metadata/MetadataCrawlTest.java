package news.engagement.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import news.engagement.history.ClickHouseClient;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The crawl end to end against a site the test serves: views report pages, the service fetches them
 * within its limits and keeps what they say; editors correct it; lists and ClickHouse show it.
 */
class MetadataCrawlTest {
  private static final int REDIS_DB = 10;
  private static final String TOKEN = "metadata-token-" + UUID.randomUUID();
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static TestSite site;
  private static RunningService running;

  @BeforeAll
  static void start() {
    TestStores.flush(REDIS_DB);
    site = new TestSite();
    running = RunningService.start(REDIS_DB, Clock.systemUTC(), Map.of(
        "EDITOR_TOKEN", TOKEN,
        "SITE_ORIGINS", "http://127.0.0.1:" + site.port()));
  }

  @AfterAll
  static void stop() {
    try {
      running.close();
    } finally {
      site.close();
    }
  }

  @Test
  void aPageWithTagsGivesEveryFieldAndIsFetchedOnceForManyViews() {
    String article = "md-og-" + RUN;
    String page = "/og?for=" + article;
    views(article, site.url(page), 5);
    JsonObject md = awaitMetadata(article, m -> m.containsKey("title"));
    assertThat(md.getString("title")).isEqualTo("Budget vote delayed & again");
    assertThat(md.getString("url")).isEqualTo(site.url("/og"));
    assertThat(md.getString("section")).isEqualTo("Politics");
    assertThat(md.getJsonArray("authors")).containsExactly("Anna Petrosyan", "Karen Sargsyan");
    assertThat(md.getString("published")).isEqualTo("2026-02-07T09:30:00Z");
    assertThat(md.getString("image")).isEqualTo(site.url("/img/budget.jpg"));
    assertThat(md.getJsonObject("sources").getJsonObject("title").getString("from")).isEqualTo("crawl");
    views(article, site.url(page), 5);
    running.awaitApplied();
    assertThat(site.requests("127.0.0.1", page)).isEqualTo(1);
  }

  @Test
  void aPageWithoutTagsGivesItsTitleAndAddress() {
    String article = "md-plain-" + RUN;
    views(article, site.url("/plain?utm_source=x"), 1);
    JsonObject md = awaitMetadata(article, m -> m.containsKey("title"));
    assertThat(md.getString("title")).isEqualTo("Plain page");
    assertThat(md.getString("url")).isEqualTo(site.url("/plain?utm_source=x"));
    assertThat(md.containsKey("section")).isFalse();
  }

  @Test
  void redirectsAreFollowedOnTheSiteOnly() {
    String moved = "md-hop-" + RUN;
    views(moved, site.url("/hop"), 1);
    JsonObject md = awaitMetadata(moved, m -> m.containsKey("title"));
    assertThat(md.getString("title")).isEqualTo("Moved here");
    assertThat(md.getString("url")).isEqualTo(site.url("/moved")); // its canonical is off the site

    double offSite = outcome("off_site");
    String away = "md-off-" + RUN;
    views(away, site.url("/off"), 1);
    until("an off-site redirect counted", () -> outcome("off_site"), n -> n > offSite);
    assertThat(site.requests("localhost", "/og")).isZero();
    assertThat(metadata(away).containsKey("title")).isFalse();
  }

  @Test
  void aTenMegabytePageIsReadOnlyUpToTheCap() {
    String article = "md-big-" + RUN;
    views(article, site.url("/big"), 1);
    JsonObject md = awaitMetadata(article, m -> m.containsKey("title"));
    assertThat(md.getString("title")).isEqualTo("Big page");
    assertThat(md.getString("section")).isEqualTo("Culture");
    assertThat(outcome("truncated")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void aPageThatNeverAnswersTimesOutAndBacksOff() {
    String article = "md-hang-" + RUN;
    String page = "/hang?for=" + article;
    double before = outcome("timeout");
    views(article, site.url(page), 1);
    until("the hanging page timed out", () -> outcome("timeout"), n -> n > before);
    views(article, site.url(page), 3);
    running.awaitApplied();
    assertThat(site.requests("127.0.0.1", page)).isEqualTo(1); // backed off: no second fetch
    assertThat(metadata(article).containsKey("title")).isFalse();
  }

  @Test
  void notHtmlAndPagesOffTheSiteAreNotKept() {
    String image = "md-image-" + RUN;
    double before = outcome("not_html");
    views(image, site.url("/image"), 1);
    until("an image counted as not HTML", () -> outcome("not_html"), n -> n > before);
    String foreign = "md-foreign-" + RUN;
    views(foreign, "http://localhost:" + site.port() + "/og", 1);
    running.awaitApplied();
    assertThat(site.requests("localhost", "/og")).isZero();
  }

  @Test
  void aTitleWithMarkupIsKeptAsText() {
    String article = "md-markup-" + RUN;
    views(article, site.url("/markup"), 1);
    assertThat(awaitMetadata(article, m -> m.containsKey("title")).getString("title")).isEqualTo(TestSite.MARKUP);
  }

  @Test
  void editorsValuesWinFieldByFieldAndCanBeTakenBack() {
    String article = "md-editor-" + RUN;
    views(article, site.url("/og"), 1);
    awaitMetadata(article, m -> m.containsKey("title"));
    HttpResponse<Buffer> put = put(article, "{\"title\":\"Budget vote delayed again\",\"section\":\"Economy\"}");
    assertThat(put.statusCode()).isEqualTo(200);
    JsonObject md = metadata(article);
    assertThat(md.getString("title")).isEqualTo("Budget vote delayed again");
    assertThat(md.getString("section")).isEqualTo("Economy");
    assertThat(md.getJsonArray("authors")).containsExactly("Anna Petrosyan", "Karen Sargsyan");
    JsonObject sources = md.getJsonObject("sources");
    assertThat(sources.getJsonObject("title").getString("from")).isEqualTo("editor");
    assertThat(sources.getJsonObject("authors").getString("from")).isEqualTo("crawl");
    assertThat(sources.getJsonObject("title").getString("at")).isNotBlank();

    HttpResponse<Buffer> bad = put(article, "{\"url\":\"javascript:alert(1)\"}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsJsonObject().getString("error")).isEqualTo("invalid_url");
    assertThat(put(article, "{\"title\":").statusCode()).isEqualTo(400);
    assertThat(RunningService.await(running.client.get("/v1/editor/articles/" + article + "/metadata").send())
        .statusCode()).isEqualTo(401);

    assertThat(put(article, "{}").statusCode()).isEqualTo(200);
    assertThat(metadata(article).getString("title")).isEqualTo("Budget vote delayed & again");
  }

  @Test
  void listsCarryTitlesAndRankWithinASection() {
    String politics = "md-list-pol-" + RUN;
    String markup = "md-list-markup-" + RUN;
    String business = "md-list-biz-" + RUN;
    views(politics, site.url("/og"), 3);
    views(markup, site.url("/markup"), 2);
    views(business, site.url("/moved"), 4);
    for (String a : List.of(politics, markup, business)) {
      awaitMetadata(a, m -> m.containsKey("section"));
    }
    JsonObject top = until("the top list labelled", () -> running.get("/v1/top?window=1h&limit=100").bodyAsJsonObject(),
        t -> item(t, politics) != null && item(t, politics).containsKey("title"));
    assertThat(item(top, politics).getString("title")).isEqualTo("Budget vote delayed & again");
    assertThat(item(top, politics).getString("url")).isEqualTo(site.url("/og"));
    assertThat(item(top, politics).getString("section")).isEqualTo("Politics");

    JsonObject section = running.get("/v1/top?window=1h&limit=100&section=politics").bodyAsJsonObject();
    JsonArray items = section.getJsonArray("items");
    assertThat(items.stream().map(i -> ((JsonObject) i).getString("section")).distinct().toList())
        .containsExactly("Politics");
    assertThat(item(section, politics).getLong("value")).isEqualTo(3);
    assertThat(item(section, markup).getLong("value")).isEqualTo(2);
    assertThat(item(section, business)).isNull();
    assertThat(running.get("/v1/top?section=%3Cscript%3E").statusCode()).isEqualTo(400);
    assertThat(running.get("/v1/top?section=politics&metric=uniques").statusCode()).isEqualTo(400);

    JsonObject trending = until("trending labelled", () -> get("/v1/editor/trending?window=1h&limit=100"),
        t -> item(t, business) != null);
    assertThat(item(trending, business).getString("title")).isEqualTo("Moved here");

    HttpResponse<Buffer> widget = running.get("/v1/widgets/most-read?window=1h&limit=20&section=politics");
    assertThat(widget.statusCode()).isEqualTo(200);
    assertThat(widget.getHeader("Content-Type")).startsWith("text/html");
    assertThat(widget.getHeader("Cache-Control")).startsWith("public, max-age=");
    assertThat(widget.getHeader("Content-Security-Policy")).contains("default-src 'none'").doesNotContain("script-src");
    String html = widget.bodyAsString();
    assertThat(html).contains("Most read in Politics", "Budget vote delayed &amp; again",
        "&lt;img src=x onerror=alert(1)&gt;", "href=\"" + site.url("/og") + "\"").doesNotContain("<img");
    HttpResponse<Buffer> again = RunningService.await(running.client.get("/v1/widgets/most-read?window=1h&limit=20&section=politics")
        .putHeader("If-None-Match", widget.getHeader("ETag")).send());
    assertThat(again.statusCode()).isIn(200, 304); // 304 unless the list moved in between
    assertThat(running.get("/v1/widgets/most-read?limit=21").statusCode()).isEqualTo(400);
  }

  @Test
  void clickHouseKeepsTheLatestVersion() {
    String article = "md-ch-" + RUN;
    views(article, site.url("/og"), 1);
    awaitMetadata(article, m -> m.containsKey("title"));
    assertThat(put(article, "{\"title\":\"Corrected\"}").statusCode()).isEqualTo(200);
    Metadata room = running.service.room(Metadata.class);
    ClickHouseClient ch = new ClickHouseClient(running.vertx, TestStores.clickhouseUrl(), "engagement", "default", "");
    String sql = "SELECT title, section, length(authors) AS authors FROM engagement.articles FINAL "
        + "WHERE article_id = '" + article + "' FORMAT JSONEachRow";
    List<JsonObject> rows = until("the corrected row in ClickHouse", () -> {
      RunningService.await(room.flushNow());
      return RunningService.await(ch.queryJsonEachRow(sql).recover(err -> io.vertx.core.Future.succeededFuture(List.of())));
    }, r -> r.size() == 1 && "Corrected".equals(r.get(0).getString("title")));
    // On the ClickHouse cluster the name is the Distributed table over every node's local one (issue 11).
    assertThat(RunningService.await(ch.queryTabSeparated("SELECT engine FROM system.tables WHERE database = "
        + "'engagement' AND name = 'articles' FORMAT TabSeparated")).get(0)[0])
        .isEqualTo(TestStores.clickhouseCluster() ? "Distributed" : "ReplacingMergeTree");
    assertThat(rows.get(0).getString("section")).isEqualTo("Politics");
    assertThat(rows.get(0).getValue("authors").toString()).isEqualTo("2");
    // A row of an older version arriving late (another instance's slow insert) changes nothing.
    JsonObject stale = ArticlesTable.row(article, Known.NOTHING).put("title", "Stale").put("version", 1);
    RunningService.await(ch.insertJsonEachRow(MetadataSchema.TABLE, List.of(stale)));
    List<JsonObject> after = RunningService.await(ch.queryJsonEachRow(sql));
    assertThat(after).hasSize(1);
    assertThat(after.get(0).getString("title")).isEqualTo("Corrected");
    ch.close();
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private static void views(String article, String url, int visitors) {
    StringBuilder events = new StringBuilder("[");
    for (int i = 0; i < visitors; i++) {
      events.append(i == 0 ? "" : ",").append(new JsonObject().put("type", "view").put("article", article)
          .put("vid", "md-" + (article.hashCode() & 0xffff) + "-" + i + "-" + System.nanoTime()).put("url", url).encode());
    }
    HttpResponse<Buffer> response = running.postEvents(events.append(']').toString(), RunningService.BROWSER_UA);
    assertThat(response.statusCode()).as(response.bodyAsString()).isBetween(200, 299);
  }

  private static HttpResponse<Buffer> put(String article, String body) {
    return RunningService.await(running.client.put("/v1/editor/articles/" + article + "/metadata")
        .putHeader("Authorization", "Bearer " + TOKEN).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body)));
  }

  private static JsonObject get(String path) {
    HttpResponse<Buffer> response = RunningService.await(running.client.get(path)
        .putHeader("Authorization", "Bearer " + TOKEN).send());
    assertThat(response.statusCode()).as(path + ": " + response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private static JsonObject metadata(String article) {
    return get("/v1/editor/articles/" + article + "/metadata");
  }

  private static JsonObject awaitMetadata(String article, Predicate<JsonObject> done) {
    return until("metadata of " + article, () -> metadata(article), done);
  }

  private static JsonObject item(JsonObject list, String article) {
    return list.getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(i -> article.equals(i.getString("article"))).findFirst().orElse(null);
  }

  private static double outcome(String outcome) {
    Counter counter = running.registry.find(Crawler.FETCHES).tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  /** Polls until the value satisfies the condition; fails after 40 s (the hanging page needs its 10 s). */
  static <T> T until(String what, Supplier<T> value, Predicate<T> condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    T last = value.get();
    while (!condition.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("still not " + what + "; last: " + last);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      last = value.get();
    }
    return last;
  }
}
