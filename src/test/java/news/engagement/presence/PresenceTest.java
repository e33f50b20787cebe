package news.engagement.presence;

import static news.engagement.testing.RunningService.await;
import static news.engagement.presence.PresenceTraffic.ping;
import static news.engagement.presence.PresenceTraffic.view;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
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
 * Reading now and engaged time against the real Redis and ClickHouse, with a test clock: readers leave
 * the count 60 s after they were last seen on that clock, with no sleep and no write in between.
 */
class PresenceTest {
  private static final int REDIS_DB = 5;
  private static final String DATABASE = "presence_test";
  private static final String TOKEN = "presence-test-token";
  private static final String CURL = "curl/8.5.0";

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

  private void start(String isoStart, Map<String, String> env) {
    TestStores.flush(REDIS_DB);
    clock = MutableClock.at(isoStart);
    Map<String, String> vars = new HashMap<>(Map.of("CLICKHOUSE_DATABASE", DATABASE, "EDITOR_TOKEN", TOKEN,
        "PRESENCE_INTERVAL", "10ms", "PRESENCE_FLUSH_INTERVAL", "1h", "FLUSH_INTERVAL", "1h"));
    vars.putAll(env);
    service = RunningService.start(REDIS_DB, clock, vars);
  }

  private Presence presence() {
    return service.service.room(Presence.class);
  }

  @Test
  void twoReadersAreReadingNowThenNoneAfterSixtySecondsOfSilence() {
    start("2027-01-04T10:00:05Z", Map.of());
    String article = "now-" + UUID.randomUUID().toString().substring(0, 8);
    double receivedPings = meter("engagement_events_received_total{type=\"ping\"}");
    double bots = meter("engagement_events_dropped_total{reason=\"bot\"}");

    post(List.of(view(article, "reader-alice"), ping(article, "reader-alice", 15, 30)), RunningService.BROWSER_UA);
    post(List.of(ping(article, "reader-bob00", 10, 80)), RunningService.BROWSER_UA);
    post(List.of(ping(article, "crawler-001", 15, 100)), CURL); // a bot pings: dropped, not a reader
    awaitWritten();

    assertThat(readers(article)).isEqualTo(2);
    assertThat(site()).isEqualTo(2);
    JsonObject now = editorNow(10);
    assertThat(now.getLong("readers")).isEqualTo(2);
    // alice's view had no referrer: the top source of the last hour is direct (TopSourceTest covers the rest).
    assertThat(now.getJsonArray("items")).containsExactly(new JsonObject().put("article", article)
        .put("readers", 2L).put("engagedSeconds", 25L).put("topSource", new JsonObject().put("medium", "direct")
            .put("source", "direct").put("views", 1L)));
    assertThat(meter("engagement_events_received_total{type=\"ping\"}") - receivedPings).isEqualTo(3);
    assertThat(meter("engagement_events_counted_total{type=\"ping\"}")).isGreaterThanOrEqualTo(2);
    assertThat(meter("engagement_events_dropped_total{reason=\"bot\"}") - bots).isEqualTo(1);

    clock.advance(Duration.ofSeconds(30));
    post(List.of(ping(article, "reader-bob00", 0, 80)), RunningService.BROWSER_UA);
    awaitWritten();
    assertThat(readers(article)).isEqualTo(2);

    clock.advance(Duration.ofSeconds(31)); // alice last seen 61 s ago, bob 31 s ago
    assertThat(readers(article)).isEqualTo(1);
    assertThat(site()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(30)); // bob silent for 61 s
    assertThat(readers(article)).isZero();
    assertThat(site()).isZero();
    assertThat(editorNow(10).getJsonArray("items")).isEmpty();
  }

  @Test
  void editorNowNeedsTheTokenAndAValidLimit() {
    start("2027-01-04T11:00:05Z", Map.of());
    assertThat(await(service.client.get("/v1/editor/now").send()).statusCode()).isEqualTo(401);
    assertThat(await(service.client.get("/v1/editor/now?limit=0").putHeader("Authorization", "Bearer " + TOKEN)
        .send()).statusCode()).isEqualTo(400);
    assertThat(await(service.client.get("/v1/editor/now?limit=101").putHeader("Authorization", "Bearer " + TOKEN)
        .send()).statusCode()).isEqualTo(400);
  }

  @Test
  void articlesAreRankedByReadersNowWithTiesByArticleId() {
    start("2027-01-04T12:00:05Z", Map.of());
    String run = UUID.randomUUID().toString().substring(0, 6);
    String a = "rank-a-" + run;
    String b = "rank-b-" + run;
    String c = "rank-c-" + run;
    JsonArray events = new JsonArray();
    for (int i = 0; i < 3; i++) {
      events.add(ping(c, "reader-" + i + "-xyz", 5, 10));
    }
    events.add(ping(a, "reader-0-xyz", 5, 10));
    events.add(ping(b, "reader-1-xyz", 5, 10));
    post(events.getList(), RunningService.BROWSER_UA);
    awaitWritten();

    JsonArray items = editorNow(2).getJsonArray("items");
    assertThat(items.stream().map(o -> ((JsonObject) o).getString("article")).toList()).containsExactly(c, a);
    assertThat(items.getJsonObject(0).getLong("readers")).isEqualTo(3);
    assertThat(site()).isEqualTo(3);
  }

  @Test
  void engagedSecondsAndVisitorsPerArticleAndMinuteMatchTheTruthInRedisAndClickHouse() {
    start("2027-01-04T13:00:05Z", Map.of());
    String run = UUID.randomUUID().toString().substring(0, 6);
    List<String> articles = List.of("eng-a-" + run, "eng-b-" + run, "eng/c:" + run);
    Map<String, long[]> truth = new HashMap<>();
    Map<String, Set<String>> engagedBy = new HashMap<>();
    long firstMinute = clock.millis() / 60_000 * 60;
    // Three minutes of pings every 15 s from six readers over three articles; some idle (engaged 0).
    for (int step = 0; step < 12; step++) {
      JsonArray events = new JsonArray();
      long minute = clock.millis() / 60_000 * 60;
      for (int r = 0; r < 6; r++) {
        String article = articles.get((r + step / 4) % 3);
        int engaged = (r * 7 + step * 3) % 16; // 0..15
        String vid = "trace-reader-" + r;
        events.add(ping(article, vid, engaged, 50));
        if (engaged > 0) {
          String key = article + "@" + minute;
          truth.computeIfAbsent(key, k -> new long[2])[0] += engaged;
          if (engagedBy.computeIfAbsent(key, k -> new HashSet<>()).add(vid)) {
            truth.get(key)[1]++;
          }
        }
      }
      post(events.getList(), RunningService.BROWSER_UA);
      awaitWritten();
      clock.advance(Duration.ofSeconds(15));
    }
    Context context = vertx.getOrCreateContext();
    Map<String, long[]> inRedis = new HashMap<>();
    for (String article : articles) {
      for (long minute = firstMinute; minute <= firstMinute + 180; minute += 60) {
        long[] values = await(presence().readers().engagedMinute(article, minute, context));
        if (values[0] > 0 || values[1] > 0) {
          inRedis.put(article + "@" + minute, values);
        }
      }
    }
    assertThat(inRedis.keySet()).isEqualTo(truth.keySet());
    truth.forEach((key, values) -> assertThat(inRedis.get(key)).as(key).containsExactly(values));

    await(presence().flushNow());
    await(presence().flushNow()); // a repeated flush changes nothing
    Map<String, long[]> inClickHouse = new HashMap<>();
    List<String[]> rows = await(clickhouse.queryTabSeparated("SELECT article_id, toUInt32(minute), engaged_seconds, "
        + "engaged_visitors FROM " + DATABASE + ".article_presence WHERE article_id LIKE '%" + run
        + "' FORMAT TabSeparated"));
    for (String[] row : rows) {
      assertThat(inClickHouse.put(row[0] + "@" + row[1], new long[] {Long.parseLong(row[2]), Long.parseLong(row[3])}))
          .as("one row per article and minute").isNull();
    }
    assertThat(inClickHouse.keySet()).isEqualTo(truth.keySet());
    truth.forEach((key, values) -> assertThat(inClickHouse.get(key)).as(key).containsExactly(values));
    // The contract view carries the same engaged time (no counted views here: its counts are 0).
    long seconds = truth.values().stream().mapToLong(v -> v[0]).sum();
    long visitors = truth.values().stream().mapToLong(v -> v[1]).sum();
    assertThat(await(clickhouse.queryTabSeparated("SELECT sum(views), sum(engaged_seconds), sum(engaged_visitors) "
        + "FROM " + DATABASE + ".article_engagement WHERE article_id LIKE '%" + run + "' FORMAT TabSeparated")).get(0))
        .containsExactly("0", Long.toString(seconds), Long.toString(visitors));
  }

  @Test
  void pastTheExactBoundReadersAreSampledAndTheSetStaysBounded() {
    start("2027-01-04T14:00:05Z", Map.of("PRESENCE_EXACT_MAX", "50"));
    String article = "crowd-" + UUID.randomUUID().toString().substring(0, 8);
    int visitors = 800;
    crowd(article, 0, visitors);

    long estimate = readers(article);
    try (TestRedis redis = TestStores.connect(REDIS_DB)) {
      Long members = redis.sync().zcard(service.service.keys().readers(article));
      assertThat(members).isLessThanOrEqualTo(50);
    }
    // Hash sampling: about 1/sqrt(50) relative error; a loose bound that the fixed test hashes meet.
    assertThat(estimate).isBetween(visitors / 2L, visitors * 2L);
    assertThat(site()).isBetween(visitors / 2L, visitors * 2L);

    // A second crowd, written after the writer learnt the sampling levels (it then sends only the members
    // at or above them): the estimate follows the new readers as it did the first ones.
    crowd(article, visitors, 2 * visitors);
    try (TestRedis redis = TestStores.connect(REDIS_DB)) {
      assertThat(redis.sync().zcard(service.service.keys().readers(article))).isLessThanOrEqualTo(50);
    }
    // Tighter than above: a writer that left out members it should send stays near the first crowd.
    long both = 2L * visitors;
    assertThat(readers(article)).isBetween(both * 7 / 10, both * 14 / 10);
    assertThat(site()).isBetween(both * 7 / 10, both * 14 / 10);
  }

  /** Pings from visitors crowd-{from} .. crowd-{to - 1}, 100 a request, then waits until they are written. */
  private void crowd(String article, int from, int to) {
    for (int start = from; start < to; start += 100) {
      JsonArray events = new JsonArray();
      for (int i = start; i < Math.min(to, start + 100); i++) {
        events.add(ping(article, String.format("crowd-%06d", i), 3, 10));
      }
      post(events.getList(), RunningService.BROWSER_UA);
    }
    awaitWritten();
  }

  private long readers(String article) {
    return await(presence().readers().article(article, vertx.getOrCreateContext()));
  }

  private long site() {
    return await(presence().readers().site(vertx.getOrCreateContext()));
  }

  private JsonObject editorNow(int limit) {
    return PresenceTraffic.editor(service, TOKEN, "/v1/editor/now?limit=" + limit);
  }

  private void awaitWritten() {
    PresenceTraffic.awaitWritten(service);
  }

  private void post(List<?> events, String userAgent) {
    PresenceTraffic.post(service, events, userAgent);
  }

  private double meter(String line) {
    String scrape = service.registry.scrape();
    return scrape.lines().filter(l -> l.startsWith(line + " ")).mapToDouble(l -> Double.parseDouble(
        l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(0);
  }
}
