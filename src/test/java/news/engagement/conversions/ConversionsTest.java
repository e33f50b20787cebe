package news.engagement.conversions;

import static news.engagement.testing.RunningService.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import news.engagement.counting.Keys.BucketSize;
import news.engagement.history.ClickHouseClient;
import news.engagement.testing.MutableClock;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestRedis;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Conversions and outbound clicks against the real Redis and ClickHouse: a trace of clicks (repeats,
 * several goals, unknown goals, non-http links, links into the site, bots, previews) counted exactly as
 * the rules say, live in Redis and per minute in ClickHouse; junk destinations stay bounded; the editor
 * endpoints answer as SPEC.md writes them.
 */
class ConversionsTest {
  private static final int REDIS_DB = 15;
  private static final String DATABASE = "conversions_test";
  private static final String TOKEN = "conversions-test-token";
  private static final String SITE = "https://news.example";
  private static final String CURL = "curl/8.5.0";
  private static final String TELEGRAM_PREVIEW = "TelegramBot (like TwitterBot)";

  private static Vertx vertx;
  private static ClickHouseClient clickhouse;

  private MutableClock clock;
  private RunningService service;

  @BeforeAll
  static void stores() {
    vertx = Vertx.vertx();
    clickhouse = TestStores.clickhouse(vertx, DATABASE);
    await(clickhouse.execute(TestStores.dropDatabase(DATABASE)));
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
        "SITE_ORIGINS", SITE, "FLUSH_INTERVAL", "1h"));
  }

  private Conversions room() {
    return service.service.room(Conversions.class);
  }

  /** The truth: what counts once per visitor, article and goal or destination (no article here passes 20). */
  private static final class Truth {
    final Set<String> seen = new HashSet<>();
    final Map<String, Long> counts = new TreeMap<>();

    void click(String article, String kind, String name, String vid) {
      if (seen.add(article + "|" + kind + "|" + name + "|" + vid)) {
        counts.merge(article + "|" + kind + "|" + name, 1L, Long::sum);
      }
    }

    Map<String, Long> of(String article, String kind) {
      Map<String, Long> m = new TreeMap<>();
      counts.forEach((k, v) -> {
        String[] p = k.split("\\|");
        if (p[0].equals(article) && p[1].equals(kind)) {
          m.put(p[2], v);
        }
      });
      return m;
    }
  }

  @Test
  void aTraceOfClicksCountsExactlyInRedisAndClickHouse() {
    start("2027-02-01T10:00:05Z");
    String run = UUID.randomUUID().toString().substring(0, 6);
    List<String> articles = List.of("conv-a-" + run, "conv-b-" + run, "conv/c:" + run);
    double receivedConversions = meter("engagement_events_received_total{type=\"conversion\"}");
    double receivedOutbound = meter("engagement_events_received_total{type=\"outbound\"}");
    double bots = meter("engagement_events_dropped_total{reason=\"bot\"}");
    double invalid = meter("engagement_events_dropped_total{reason=\"invalid\"}");
    List<String> goals = List.of("telegram_follow", "newsletter", "app_ios");
    List<String[]> links = List.of(new String[] {"https://t.me/example", "t.me"},
        new String[] {"https://www.YouTube.com/watch?v=1", "youtube.com"},
        new String[] {"http://instagram.com:8080/p/x", "instagram.com"},
        new String[] {"https://127.0.0.1/x", "127.0.0.1"});
    Truth truth = new Truth();
    int rejectedSent = 0;
    long minutesCrossed = 0;
    for (int step = 0; step < 6; step++) {
      JsonArray events = new JsonArray();
      List<Integer> shouldReject = new ArrayList<>();
      for (int r = 0; r < 5; r++) {
        String vid = "clicker-" + r + "-" + run;
        String article = articles.get((r + step) % 3);
        String goal = goals.get((r * step) % 3);
        events.add(conversion(article, vid, goal));
        truth.click(article, "g", goal, vid);
        events.add(conversion(article, vid, goal)); // a repeat: counts once
        String[] link = links.get((r + 2 * step) % links.size());
        events.add(outbound(article, vid, link[0]));
        truth.click(article, "o", link[1], vid);
      }
      // Junk that must not count: an unknown goal, no goal, non-http links, a link into the site.
      shouldReject.add(events.size());
      events.add(conversion(articles.get(0), "junk-visitor-01", "invented_goal"));
      shouldReject.add(events.size());
      events.add(new JsonObject().put("type", "conversion").put("article", articles.get(0)));
      for (String href : List.of("mailto:desk@news.example", "javascript:void(0)", "ftp://files.example/x",
          SITE + "/2027-02-01-other-story", "https://NEWS.example:443/x", "not a link")) {
        shouldReject.add(events.size());
        events.add(outbound(articles.get(1), "junk-visitor-01", href));
      }
      rejectedSent += shouldReject.size();
      HttpResponse<Buffer> response = service.postEvents(events.encode(), RunningService.BROWSER_UA);
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
      List<Integer> rejected = response.bodyAsJsonObject().getJsonArray("rejected").stream()
          .map(o -> ((JsonObject) o).getInteger("index")).toList();
      assertThat(rejected).isEqualTo(shouldReject);
      // Bots and link-preview fetchers never convert or click out.
      post(List.of(conversion(articles.get(0), "bot-visitor-01", "telegram_follow"),
          outbound(articles.get(0), "bot-visitor-01", "https://t.me/example")), CURL);
      post(List.of(conversion(articles.get(1), "preview-vis-01", "newsletter")), TELEGRAM_PREVIEW);
      awaitWritten();
      if (step % 2 == 1) {
        clock.advance(Duration.ofSeconds(61)); // a few minutes, so ClickHouse gets several rows per article
        minutesCrossed++;
      }
    }
    assertThat(minutesCrossed).isEqualTo(3);
    assertThat(meter("engagement_events_received_total{type=\"conversion\"}") - receivedConversions)
        .isEqualTo(6 * (10 + 1 + 1)); // invalid ones are not received
    assertThat(meter("engagement_events_received_total{type=\"outbound\"}") - receivedOutbound).isEqualTo(6 * (5 + 1));
    assertThat(meter("engagement_events_dropped_total{reason=\"bot\"}") - bots).isEqualTo(6 * 3);
    assertThat(meter("engagement_events_dropped_total{reason=\"invalid\"}") - invalid).isEqualTo(rejectedSent);

    // Live, in Redis, through the editor endpoint.
    for (String article : articles) {
      JsonObject body = editor("/v1/editor/articles/" + article + "/conversions?window=24h");
      assertThat(body.getString("article")).isEqualTo(article);
      assertThat(body.getString("window")).isEqualTo("24h");
      Map<String, Long> conversions = new TreeMap<>();
      body.getJsonObject("conversions").forEach(e -> conversions.put(e.getKey(), ((Number) e.getValue()).longValue()));
      assertThat(conversions).as(article).isEqualTo(truth.of(article, "g"));
      Map<String, Long> outbound = new TreeMap<>();
      body.getJsonArray("outbound").forEach(o -> outbound.put(((JsonObject) o).getString("destination"),
          ((JsonObject) o).getLong("clicks")));
      assertThat(outbound).as(article).isEqualTo(truth.of(article, "o"));
      assertThat(body.getJsonArray("outbound").stream().map(o -> ((JsonObject) o).getLong("clicks")).toList())
          .isSortedAccordingTo((x, y) -> Long.compare(y, x));
    }
    // Which articles brought most: per goal, and all goals summed.
    for (String goal : goals) {
      assertThat(items(editor("/v1/editor/conversions?goal=" + goal + "&window=1h&limit=10"))).as(goal)
          .isEqualTo(ranked(articles, a -> truth.of(a, "g").getOrDefault(goal, 0L)));
    }
    JsonObject all = editor("/v1/editor/conversions?window=7d");
    assertThat(all.getValue("goal")).isNull();
    assertThat(items(all)).isEqualTo(ranked(articles,
        a -> truth.of(a, "g").values().stream().mapToLong(Long::longValue).sum()));

    // Per minute in ClickHouse: summed, equal to the truth; a repeated flush changes nothing.
    await(room().flushNow());
    await(room().flushNow());
    Map<String, Long> inClickHouse = new TreeMap<>();
    List<String[]> rows = await(clickhouse.queryTabSeparated("SELECT article_id, kind, name, sum(count), "
        + "uniqExact(minute) FROM " + DATABASE + ".article_conversions WHERE article_id LIKE '%" + run
        + "' GROUP BY article_id, kind, name FORMAT TabSeparated"));
    long minuteRows = 0;
    for (String[] row : rows) {
      inClickHouse.put(row[0] + "|" + ("conversion".equals(row[1]) ? "g" : "o") + "|" + row[2], Long.parseLong(row[3]));
      minuteRows += Long.parseLong(row[4]);
    }
    assertThat(inClickHouse).isEqualTo(truth.counts);
    assertThat(minuteRows).as("rows spread over several minutes").isGreaterThan(rows.size());
    List<String[]> duplicates = await(clickhouse.queryTabSeparated("SELECT count() FROM (SELECT article_id, minute, "
        + "kind, name, count() AS n FROM " + DATABASE + ".article_conversions WHERE article_id LIKE '%" + run
        + "' GROUP BY article_id, minute, kind, name HAVING n > 1) FORMAT TabSeparated"));
    assertThat(duplicates.get(0)[0]).isEqualTo("0");
  }

  @Test
  void tenThousandJunkDestinationsOnOneArticleStayBounded() {
    start("2027-02-01T11:00:05Z");
    String article = "junk-dest-" + UUID.randomUUID().toString().substring(0, 6);
    ConversionKeys keys = new ConversionKeys(service.service.keys());
    // What the rules say: the first 20 destinations are kept, every other counts once per visitor as "other".
    Set<String> kept = new LinkedHashSet<>();
    Set<String> otherBy = new HashSet<>();
    Map<String, Long> truth = new TreeMap<>();
    long usedBefore;
    try (TestRedis redis = TestStores.connect(REDIS_DB)) {
      usedBefore = usedMemory(redis);
    }
    int visitors = 100;
    for (int v = 0; v < visitors; v++) {
      JsonArray events = new JsonArray();
      String vid = "junk-clicker-" + v;
      for (int d = 0; d < 100; d++) {
        String host = "junk-" + v + "-" + d + ".example";
        events.add(outbound(article, vid, "https://" + host + "/" + d));
        if (kept.size() < ClickSlice.MAX_DESTINATIONS) {
          kept.add(host);
          truth.merge(host, 1L, Long::sum);
        } else if (otherBy.add(vid)) {
          truth.merge("other", 1L, Long::sum);
        }
      }
      post(events.getList(), RunningService.BROWSER_UA);
    }
    awaitWritten();

    JsonObject body = editor("/v1/editor/articles/" + article + "/conversions?window=1h");
    Map<String, Long> outbound = new TreeMap<>();
    body.getJsonArray("outbound").forEach(o -> outbound.put(((JsonObject) o).getString("destination"),
        ((JsonObject) o).getLong("clicks")));
    assertThat(outbound).isEqualTo(truth);
    assertThat(outbound).hasSize(ClickSlice.MAX_DESTINATIONS + 1);
    try (TestRedis redis = TestStores.connect(REDIS_DB)) {
      var sync = redis.sync();
      assertThat(sync.scard(keys.destinations(article))).isEqualTo(ClickSlice.MAX_DESTINATIONS);
      assertThat(sync.ttl(keys.destinations(article))).isPositive();
      long start = clock.instant().getEpochSecond();
      for (BucketSize size : List.of(BucketSize.FIVE_MINUTES, BucketSize.HOUR)) {
        String bucket = keys.bucket(article, size, size.startOf(start));
        assertThat(sync.hlen(bucket)).isEqualTo(ClickSlice.MAX_DESTINATIONS + 1);
        assertThat(sync.ttl(bucket)).isPositive();
      }
      // Dedup markers: at most 21 per visitor (20 kept destinations and "other"), each with the window's TTL.
      String tag = service.service.keys().tag(keys.shardOf(article));
      List<String> markers = sync.keys("eng:{" + tag + "}:cd:" + article + ":*");
      assertThat(markers.size()).isLessThanOrEqualTo(ClickSlice.MAX_DESTINATIONS + visitors);
      for (String marker : markers.subList(0, 50)) {
        assertThat(sync.pttl(marker)).isBetween(1L, Duration.ofMinutes(30).toMillis());
      }
      // 10 000 clicks to 10 000 hosts: the article's whole state (markers, set, buckets, lists) is a few hundred KB,
      // what 100 visitors with 21 destinations each make, not 10 000 destinations' worth.
      long bytes = 0;
      List<String> all = new ArrayList<>(markers);
      all.add(keys.destinations(article));
      for (BucketSize size : List.of(BucketSize.FIVE_MINUTES, BucketSize.HOUR)) {
        all.add(keys.bucket(article, size, size.startOf(start)));
      }
      for (String key : all) {
        bytes += sync.memoryUsage(key);
      }
      assertThat(bytes).isLessThan(400_000L);
      assertThat(usedMemory(redis) - usedBefore).as("the server's memory grew by a bounded amount").isLessThan(4_000_000L);
    }
  }

  @Test
  void theEditorEndpointsNeedTheTokenAndKnownGoals() {
    start("2027-02-01T12:00:05Z");
    assertThat(await(service.client.get("/v1/editor/conversions").send()).statusCode()).isEqualTo(401);
    assertThat(await(service.client.get("/v1/editor/articles/x1/conversions").send()).statusCode()).isEqualTo(401);
    assertThat(status("/v1/editor/conversions?goal=invented")).isEqualTo(400);
    assertThat(status("/v1/editor/conversions?window=2h")).isEqualTo(400);
    assertThat(status("/v1/editor/conversions?limit=0")).isEqualTo(400);
    assertThat(status("/v1/editor/articles/x1/conversions?window=30d")).isEqualTo(400);
    assertThat(status("/v1/editor/conversions?goal=newsletter&window=30d&limit=100")).isEqualTo(200);
    JsonObject empty = editor("/v1/editor/articles/never-clicked/conversions");
    assertThat(empty).isEqualTo(new JsonObject().put("article", "never-clicked").put("window", "24h")
        .put("conversions", new JsonObject()).put("outbound", new JsonArray()));
  }

  private static List<JsonObject> items(JsonObject list) {
    return list.getJsonArray("items").stream().map(o -> (JsonObject) o).toList();
  }

  private static List<JsonObject> ranked(List<String> articles, java.util.function.ToLongFunction<String> value) {
    return articles.stream().filter(a -> value.applyAsLong(a) > 0)
        .sorted(java.util.Comparator.comparingLong(value).reversed().thenComparing(a -> a))
        .map(a -> new JsonObject().put("article", a).put("value", value.applyAsLong(a))).toList();
  }

  private int status(String path) {
    return await(service.client.get(path).putHeader("Authorization", "Bearer " + TOKEN).send()).statusCode();
  }

  private JsonObject editor(String path) {
    HttpResponse<Buffer> response = await(service.client.get(path).putHeader("Authorization", "Bearer " + TOKEN).send());
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private void awaitWritten() {
    service.awaitApplied();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!room().written()) {
      assertThat(System.nanoTime()).as("conversions written within 20 s").isLessThan(deadline);
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  private void post(List<?> events, String userAgent) {
    HttpResponse<Buffer> response = service.postEvents(new JsonArray(List.copyOf(events)).encode(), userAgent);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
    assertThat(response.bodyAsJsonObject().getJsonArray("rejected")).isEmpty();
  }

  private static long usedMemory(TestRedis redis) {
    // On a cluster, INFO answers for one node; the article's keys live on one node, but which: sum them all.
    String info = redis.sync().info("memory");
    return info.lines().filter(l -> l.startsWith("used_memory:"))
        .mapToLong(l -> Long.parseLong(l.substring("used_memory:".length()).trim())).sum();
  }

  private static JsonObject conversion(String article, String vid, String goal) {
    return new JsonObject().put("type", "conversion").put("article", article).put("vid", vid).put("goal", goal);
  }

  private static JsonObject outbound(String article, String vid, String href) {
    return new JsonObject().put("type", "outbound").put("article", article).put("vid", vid).put("href", href);
  }

  private double meter(String line) {
    String scrape = service.registry.scrape();
    return scrape.lines().filter(l -> l.startsWith(line + " ")).mapToDouble(l -> Double.parseDouble(
        l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(0);
  }
}
