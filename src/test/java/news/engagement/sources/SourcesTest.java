package news.engagement.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import news.engagement.counting.Keys.BucketSize;
import news.engagement.testing.MutableClock;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestRedis;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.Test;

/**
 * Exactness of traffic sources on a trace with repeats: every counted view adds one to its source, a
 * duplicate, a bot's view and a link preview add nothing; per article (and site-wide) the sources sum to
 * the counted views, live in Redis (1h, 24h) and in ClickHouse once flushed (7d, and article_sources).
 */
class SourcesTest {
  private static final int DB = 0;
  private static final String TOKEN = "sources-test-token";
  private static final String SITE = "https://news.example";
  private static final int ARTICLES = 6;
  private static final int VISITORS = 40;
  private static final int EVENTS = 3000;

  /** Referrers of the trace with the label each must get (the classifier's own test covers the families). */
  private static final Map<String, String> REFERRERS = new LinkedHashMap<>();

  static {
    REFERRERS.put("", "direct:direct");
    REFERRERS.put("https://www.google.com/", "search:google");
    REFERRERS.put("https://t.me/channel/5", "messenger:telegram");
    REFERRERS.put("android-app://org.telegram.messenger/", "messenger:telegram");
    REFERRERS.put("https://news.google.com/x", "news:google_news");
    REFERRERS.put(SITE + "/front", "internal:news.example");
    REFERRERS.put("https://blog.example.co.uk/p", "other:example.co.uk");
    REFERRERS.put("javascript:alert(1)", "other:other");
    REFERRERS.put("\u0001\u0002\u00ffbinary", "other:other");
    REFERRERS.put("campaign", "campaign:newsletter_may");
  }

  @Test
  void sourcesSumToCountedViewsInRedisAndClickHouse() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String database = "sources_test_" + run;
    // A time of its own, so the site-wide buckets hold this run's views only.
    MutableClock clock = new MutableClock(Instant.parse("2031-01-01T00:10:00Z")
        .plus(Duration.ofHours(new Random().nextInt(50_000))));
    Map<String, Map<String, Long>> expected = new TreeMap<>();
    List<String> requests = new ArrayList<>();
    Random random = new Random(42);
    Map<String, String> firstLabel = new HashMap<>();
    List<String> referrers = List.copyOf(REFERRERS.keySet());
    StringBuilder body = new StringBuilder();
    for (int e = 0; e < EVENTS; e++) {
      String article = "src-" + run + "-" + random.nextInt(ARTICLES);
      String vid = "visitor-" + random.nextInt(VISITORS);
      String referrer = referrers.get(random.nextInt(referrers.size()));
      JsonObject view = new JsonObject().put("type", "view").put("article", article).put("vid", vid);
      if (referrer.equals("campaign")) {
        view.put("url", SITE + "/a?utm_source=Newsletter+May").put("referrer", "https://t.co/x");
      } else {
        view.put("url", SITE + "/a");
        if (!referrer.isEmpty()) {
          view.put("referrer", referrer);
        }
      }
      // Only a visitor's first view of an article counts (one dedup window): its source is the one counted.
      if (firstLabel.putIfAbsent(article + "\t" + vid, REFERRERS.get(referrer)) == null) {
        expected.computeIfAbsent(article, a -> new TreeMap<>()).merge(REFERRERS.get(referrer), 1L, Long::sum);
      }
      body.append(body.length() == 0 ? "[" : ",").append(view.encode());
      if (e % 50 == 49) {
        requests.add(body.append(']').toString());
        body.setLength(0);
      }
    }
    // An article read only directly (no referrer): direct views are implicit per article, so it gets no
    // source hash at all, and its sources still come out right.
    String directOnly = "src-" + run + "-direct";
    JsonArray direct = new JsonArray();
    for (int i = 0; i < 25; i++) {
      direct.add(new JsonObject().put("type", "view").put("article", directOnly).put("vid", "direct-visitor-" + i)
          .put("url", SITE + "/d"));
    }
    requests.add(direct.encode());
    expected.put(directOnly, new TreeMap<>(Map.of("direct:direct", 25L)));
    try (TestRedis admin = TestStores.connect(DB);
        RunningService service = RunningService.start(DB, clock, Map.of("CLICKHOUSE_DATABASE", database,
        "FLUSH_INTERVAL", "1s", "EDITOR_TOKEN", TOKEN, "SITE_ORIGINS", SITE))) {
      String bots = new JsonArray().add(new JsonObject().put("type", "view").put("article", "src-" + run + "-0")
          .put("vid", "bot-visitor-1").put("referrer", "https://www.google.com/")).encode();
      for (int i = 0; i < requests.size(); i++) {
        assertThat(service.postEvents(requests.get(i), RunningService.BROWSER_UA).statusCode()).isEqualTo(202);
        if (i % 10 == 0) {
          service.postEvents(bots, "curl/8.5.0"); // a bot: dropped, no source
          service.postEvents(bots, "TelegramBot (like TwitterBot)"); // a preview: counted as such, no view, no source
        }
      }
      service.awaitApplied();

      Map<String, Long> site = new TreeMap<>();
      for (Map.Entry<String, Map<String, Long>> article : expected.entrySet()) {
        long views = service.article(article.getKey()).getLong("views");
        assertThat(article.getValue().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(views);
        for (String window : List.of("1h", "24h")) {
          JsonObject answer = sources(service, "/v1/editor/articles/" + article.getKey() + "/sources?window=" + window);
          assertThat(labels(answer)).as(article.getKey() + " " + window).isEqualTo(article.getValue());
          assertThat(answer.getLong("views")).isEqualTo(views);
        }
        article.getValue().forEach((label, n) -> site.merge(label, n, Long::sum));
      }
      for (String window : List.of("1h", "24h")) {
        assertThat(labels(sources(service, "/v1/editor/sources?window=" + window))).isEqualTo(site);
      }
      long hour = BucketSize.HOUR.startOf(clock.millis() / 1000);
      assertThat(admin.sync().exists(service.service.keys().articleSources(directOnly, hour))).isZero();
      assertThat(admin.sync().exists(service.service.keys().articleSources(expected.keySet().iterator().next(), hour)))
          .isOne();

      // ClickHouse: the flusher writes the minute's source rows with the engagement rows.
      awaitClickHouse(database, expected, Duration.ofSeconds(60));
      for (Map.Entry<String, Map<String, Long>> article : expected.entrySet()) {
        assertThat(labels(sources(service, "/v1/editor/articles/" + article.getKey() + "/sources?window=7d")))
            .isEqualTo(article.getValue());
      }
      assertThat(labels(sources(service, "/v1/editor/sources?window=7d"))).isEqualTo(site);

      // The last hour is the current five-minute bucket and the eleven before it, across the hour's end.
      String one = expected.keySet().iterator().next();
      clock.advance(Duration.ofMinutes(55)); // 01:05: the 00:10 bucket is the twelfth
      assertThat(labels(sources(service, "/v1/editor/articles/" + one + "/sources?window=1h")))
          .isEqualTo(expected.get(one));
      clock.advance(Duration.ofMinutes(5)); // 01:10: it is gone from the last hour, not from the day
      assertThat(sources(service, "/v1/editor/articles/" + one + "/sources?window=1h").getJsonArray("items")).isEmpty();
      assertThat(labels(sources(service, "/v1/editor/sources?window=24h"))).isEqualTo(site);
      // 02:15: hour 00 is read from its hour bucket, which the top lists roll up once it is closed.
      clock.advance(Duration.ofMinutes(65));
      awaitLabels(service, "/v1/editor/articles/" + one + "/sources?window=24h", expected.get(one));
      awaitLabels(service, "/v1/editor/articles/" + directOnly + "/sources?window=24h", expected.get(directOnly));
      assertThat(labels(sources(service, "/v1/editor/sources?window=24h"))).isEqualTo(site);

      // Editors only, and bad parameters are told apart.
      assertThat(service.get("/v1/editor/sources?window=1h").statusCode()).isEqualTo(401);
      assertThat(editorGet(service, "/v1/editor/sources?window=2h").statusCode()).isEqualTo(400);
      assertThat(editorGet(service, "/v1/editor/sources?limit=0").statusCode()).isEqualTo(400);
      assertThat(editorGet(service, "/v1/editor/articles/bad%20id/sources").statusCode()).isEqualTo(400);
      JsonObject unknown = sources(service, "/v1/editor/articles/never-seen-" + run + "/sources?window=1h");
      assertThat(unknown.getJsonArray("items")).isEmpty();
      assertThat(sources(service, "/v1/editor/sources?window=24h&limit=2").getJsonArray("items")).hasSize(2);
    } finally {
      clickhouse("DROP DATABASE IF EXISTS " + database);
    }
  }

  private static HttpResponse<Buffer> editorGet(RunningService service, String path) {
    return RunningService.await(service.client.get(path).putHeader("Authorization", "Bearer " + TOKEN).send());
  }

  private static JsonObject sources(RunningService service, String path) {
    HttpResponse<Buffer> response = editorGet(service, path);
    assertThat(response.statusCode()).as(path + ": " + response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private static void awaitLabels(RunningService service, String path, Map<String, Long> expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    Map<String, Long> actual = labels(sources(service, path));
    while (!actual.equals(expected) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      actual = labels(sources(service, path));
    }
    assertThat(actual).as(path).isEqualTo(expected);
  }

  private static Map<String, Long> labels(JsonObject answer) {
    Map<String, Long> labels = new TreeMap<>();
    answer.getJsonArray("items").forEach(o -> {
      JsonObject item = (JsonObject) o;
      labels.put(item.getString("medium") + ":" + item.getString("source"), item.getLong("views"));
    });
    return labels;
  }

  private static void awaitClickHouse(String database, Map<String, Map<String, Long>> expected, Duration limit)
      throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    Map<String, Map<String, Long>> actual = Map.of();
    while (System.nanoTime() < deadline) {
      actual = new TreeMap<>();
      String rows = clickhouse("SELECT article_id, medium, source, sum(views) FROM " + database
          + ".article_sources GROUP BY article_id, medium, source FORMAT TabSeparated");
      for (String line : rows.split("\n")) {
        if (!line.isBlank()) {
          String[] f = line.split("\t");
          actual.computeIfAbsent(f[0], a -> new TreeMap<>()).put(f[1] + ":" + f[2], Long.parseLong(f[3]));
        }
      }
      if (actual.equals(expected)) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("ClickHouse's article_sources " + actual + " never reached " + expected);
  }

  static String clickhouse(String sql) throws IOException, InterruptedException {
    var answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(TestStores.clickhouseUrl()
        + "/?query=" + URLEncoder.encode(sql, StandardCharsets.UTF_8))).GET().build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    // An error (e.g. the table not created yet: on a cluster the DDL runs on every node) reads as no rows.
    return answer.statusCode() == 200 ? answer.body() : "";
  }
}
