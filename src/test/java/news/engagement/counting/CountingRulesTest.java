package news.engagement.counting;

import news.engagement.testing.TestRedis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import news.engagement.testing.MutableClock;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every counting rule of the SPEC, through HTTP, against the real Redis. */
class CountingRulesTest {
  private static final int DB = 1;
  private static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0";
  private static final String SAFARI = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 "
      + "(KHTML, like Gecko) Version/17.4 Safari/605.1.15";

  private static RunningService service;

  @BeforeAll
  static void start() {
    // A 3 s dedup window lets the test see a repeat view count again after the window, with room for a
    // slow machine between the views that must fall inside it.
    service = RunningService.start(DB, MutableClock.at("2026-11-24T10:00:00Z"),
        Map.of("VIEW_DEDUP_WINDOW", "3s", "TRUSTED_PROXIES", "127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  private static String article() {
    return "2026-11-24-rules-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String event(String type, String article, String extra) {
    return "{\"type\":\"" + type + "\",\"article\":\"" + article + "\"" + extra + "}";
  }

  private static HttpResponse<Buffer> send(String userAgent, String ip, String... events) {
    return RunningService.await(service.client.post("/v1/events")
        .putHeader("Content-Type", "application/json")
        .putHeader("User-Agent", userAgent)
        .putHeader("X-Forwarded-For", ip)
        .sendBuffer(Buffer.buffer("[" + String.join(",", events) + "]")));
  }

  @Test
  void aRepeatViewInsideTheWindowIsDroppedAndCountsAgainAfterIt() throws Exception {
    String a = article();
    HttpResponse<Buffer> first = send(FIREFOX, "203.0.113.10", event("view", a, ""), event("view", a, ""));
    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(first.bodyAsJsonObject().getInteger("accepted")).isEqualTo(2);
    send(FIREFOX, "203.0.113.10", event("view", a, ""));
    assertThat(service.article(a).getLong("views")).isEqualTo(1);

    Thread.sleep(3_200); // past the 3 s window
    send(FIREFOX, "203.0.113.10", event("view", a, ""));
    JsonObject stats = service.article(a);
    assertThat(stats.getLong("views")).isEqualTo(2);
    assertThat(stats.getLong("uniques")).isEqualTo(1);
  }

  @Test
  void visitorsBehindOneAddressAreToldApartByUserAgent() {
    String a = article();
    send(FIREFOX, "198.51.100.1", event("view", a, ""));
    send(SAFARI, "198.51.100.1", event("view", a, ""));
    send(RunningService.BROWSER_UA, "198.51.100.1", event("view", a, ""));
    send(FIREFOX, "198.51.100.1", event("view", a, "")); // the first one again
    JsonObject stats = service.article(a);
    assertThat(stats.getLong("views")).isEqualTo(3);
    assertThat(stats.getLong("uniques")).isEqualTo(3);
  }

  @Test
  void aVidIsOneVisitorWhateverTheAddressOrBrowser() {
    String a = article();
    send(FIREFOX, "198.51.100.2", event("view", a, ",\"vid\":\"visitor-0001\""));
    send(SAFARI, "192.0.2.77", event("view", a, ",\"vid\":\"visitor-0001\""));
    send(SAFARI, "192.0.2.77", event("view", a, ",\"vid\":\"visitor-0002\""));
    JsonObject stats = service.article(a);
    assertThat(stats.getLong("views")).isEqualTo(2);
    assertThat(stats.getLong("uniques")).isEqualTo(2);
  }

  @Test
  void likesAreAnOnOffStatePerVisitor() {
    String a = article();
    String alice = ",\"vid\":\"alice-000001\"";
    String bob = ",\"vid\":\"bob-00000001\"";
    send(FIREFOX, "203.0.113.20", event("like", a, alice), event("like", a, alice));
    assertThat(service.article(a).getLong("likes")).isEqualTo(1);
    send(FIREFOX, "203.0.113.20", event("unlike", a, bob)); // unlike without a like does nothing
    assertThat(service.article(a).getLong("likes")).isEqualTo(1);
    send(FIREFOX, "203.0.113.20", event("like", a, bob));
    assertThat(service.article(a).getLong("likes")).isEqualTo(2);
    send(FIREFOX, "203.0.113.20", event("unlike", a, alice), event("unlike", a, alice));
    assertThat(service.article(a).getLong("likes")).isEqualTo(1);
    // like, unlike, like inside one batch keeps its order
    send(FIREFOX, "203.0.113.20", event("like", a, alice), event("unlike", a, alice), event("like", a, alice));
    assertThat(service.article(a).getLong("likes")).isEqualTo(2);
  }

  @Test
  void sharesCountOncePerVisitorArticleAndNetwork() {
    String a = article();
    String v = ",\"vid\":\"sharer-00001\"";
    send(FIREFOX, "203.0.113.30",
        event("share", a, v + ",\"network\":\"telegram\""),
        event("share", a, v + ",\"network\":\"telegram\""),
        event("share", a, v + ",\"network\":\"whatsapp\""),
        event("share", a, v + ",\"network\":\"copy\""));
    send(SAFARI, "203.0.113.31", event("share", a, ",\"network\":\"telegram\""));
    JsonObject shares = service.article(a).getJsonObject("shares");
    assertThat(shares.getLong("total")).isEqualTo(4);
    assertThat(shares.getLong("telegram")).isEqualTo(2);
    assertThat(shares.getLong("whatsapp")).isEqualTo(1);
    assertThat(shares.getLong("copy")).isEqualTo(1);
    assertThat(shares.containsKey("facebook")).isFalse();
  }

  @Test
  void previewFetchersArePreviewsAndBotsAreNothing() {
    String a = article();
    send("TelegramBot (like TwitterBot)", "149.154.161.1", event("view", a, ""), event("view", a, ""));
    send("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "31.13.1.1", event("view", a, ""));
    send("WhatsApp/2.23.20.0 A", "31.13.1.2", event("like", a, "")); // not a person's like
    send("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "66.249.1.1", event("view", a, ""));
    send("curl/8.5.0", "203.0.113.40", event("view", a, ""), event("like", a, ""));
    send("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0 Safari/537.36",
        "203.0.113.41", event("view", a, ""));
    JsonObject stats = service.article(a);
    assertThat(stats.getLong("previews")).isEqualTo(3);
    assertThat(stats.getLong("views")).isZero();
    assertThat(stats.getLong("likes")).isZero();
    assertThat(stats.getLong("uniques")).isZero();
  }

  @Test
  void uniquesStayWithinTwoPercentOverTenThousandVisitors() {
    String a = article();
    int visitors = 10_000;
    for (int batch = 0; batch < visitors / 100; batch++) {
      List<String> events = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        events.add(event("view", a, ",\"vid\":\"uniq-" + (batch * 100 + i) + "-visitor\""));
      }
      assertThat(send(FIREFOX, "203.0.113.50", events.toArray(String[]::new)).statusCode()).isEqualTo(202);
    }
    JsonObject stats = service.article(a);
    assertThat(stats.getLong("views")).isEqualTo(visitors);
    assertThat((double) stats.getLong("uniques")).isCloseTo(visitors, within(visitors * 0.02));
  }

  @Test
  void unknownArticlesAreZerosAndListsKeepTheOrderAsked() {
    String seen = article();
    send(FIREFOX, "203.0.113.60", event("view", seen, ""));
    service.awaitApplied();
    JsonArray list = service.get("/v1/articles?ids=never-seen-" + seen + "," + seen).bodyAsJsonObject().getJsonArray("articles");
    assertThat(list.getJsonObject(0).getLong("views")).isZero();
    assertThat(list.getJsonObject(0).getJsonObject("shares").getLong("total")).isZero();
    assertThat(list.getJsonObject(1).getString("article")).isEqualTo(seen);
    assertThat(list.getJsonObject(1).getLong("views")).isEqualTo(1);
  }

  @Test
  void idsWithSlashesAndColonsWorkInThePath() {
    String a = "news/2026/11/" + article() + ":v2";
    send(FIREFOX, "203.0.113.80", event("view", a, ""));
    assertThat(service.article(a).getLong("views")).isEqualTo(1);
    assertThat(service.article(a).getString("article")).isEqualTo(a);
  }

  @Test
  void neitherRawAddressesNorRawVidsReachRedis() {
    String a = article();
    send(FIREFOX, "203.0.113.177", event("view", a, ""), event("like", a, ""));
    send(FIREFOX, "203.0.113.178", event("view", a, ",\"vid\":\"raw-vid-must-not-leak\""),
        event("share", a, ",\"vid\":\"raw-vid-must-not-leak\",\"network\":\"vk\""));
    service.awaitApplied();
    try (TestRedis redis = TestStores.connect(DB)) {
      ScanIterator<String> keys = ScanIterator.scan(redis.sync(), ScanArgs.Builder.limit(1000));
      int seenKeys = 0;
      while (keys.hasNext()) {
        String key = keys.next();
        seenKeys++;
        assertThat(key).doesNotContain("203.0.113.17").doesNotContain("raw-vid");
        String type = redis.sync().type(key);
        if ("set".equals(type)) {
          assertThat(redis.sync().smembers(key)).allSatisfy(m -> assertThat(m).doesNotContain("203.0.113").doesNotContain("raw-vid"));
        } else if ("string".equals(type)) {
          String value = redis.sync().get(key); // null when a short-lived dedup key expired meanwhile
          assertThat(value == null ? "" : value).doesNotContain("203.0.113").doesNotContain("raw-vid");
        }
      }
      assertThat(seenKeys).isGreaterThan(5);
    }
  }

  @Test
  void eventsAreVisibleSoonAfterTheBatchInterval() {
    String a = article();
    send(FIREFOX, "203.0.113.70", event("view", a, ""));
    service.awaitApplied();
    assertThat(service.get("/v1/articles/" + a).bodyAsJsonObject().getLong("views")).isEqualTo(1);
    assertThat(service.get("/v1/articles/" + a).getHeader("Cache-Control")).contains("max-age=5");
  }

}
