package news.engagement.presence;

import static news.engagement.presence.PresenceTraffic.ping;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import news.engagement.testing.MutableClock;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The top traffic source of the last hour beside each article of {@code GET /v1/editor/now} and in
 * {@code GET /v1/editor/articles/{id}}: the source with most counted views (duplicates add nothing, ties
 * by medium then source), the first item of {@code .../sources?window=1h}, and null for an article
 * without a counted view in that hour. Real Redis (and the Redis Cluster), a test clock.
 */
class TopSourceTest {
  private static final int REDIS_DB = 5;
  private static final String TOKEN = "top-source-test-token";
  private static final String PAGE = "https://news.example/story";
  private static final String TELEGRAM = "https://t.me/news_channel/12";
  private static final String TELEGRAM_APP = "android-app://org.telegram.messenger/";
  private static final String GOOGLE = "https://www.google.com/";
  /** The editor article's fields before top sources; the answer keeps them all and adds {@code topSource}. */
  private static final Set<String> ARTICLE_FIELDS = Set.of("article", "views", "uniques", "likes", "shares",
      "previews", "readingNow", "engaged", "readDepth", "topSource");

  private MutableClock clock;
  private RunningService service;

  @AfterEach
  void stop() {
    if (service != null) {
      service.close();
    }
  }

  @Test
  void theNowListAndTheArticleShowTheTopSourceOfTheLastHour() {
    TestStores.flush(REDIS_DB);
    clock = MutableClock.at("2027-03-01T10:07:05Z"); // the 10:05 five-minute slot
    service = RunningService.start(REDIS_DB, clock, Map.of("EDITOR_TOKEN", TOKEN, "PRESENCE_INTERVAL", "10ms",
        "PRESENCE_FLUSH_INTERVAL", "1h", "FLUSH_INTERVAL", "1h"));
    String run = UUID.randomUUID().toString().substring(0, 8);
    String a = "top-a-" + run; // Telegram 2 (web and app), Google 1, and a duplicate from Google
    String b = "top-b-" + run; // Google 2
    String c = "top-c-" + run; // pings only: no counted view, no source
    String d = "top-d/" + run; // Telegram 1, Google 1: the tie goes to the medium first by name (messenger)

    post(view(a, "ts-reader-1", TELEGRAM), view(a, "ts-reader-2", TELEGRAM_APP), view(a, "ts-reader-3", GOOGLE),
        view(a, "ts-reader-1", GOOGLE), ping(a, "ts-reader-1", 10, 40),
        view(b, "ts-reader-4", GOOGLE), view(b, "ts-reader-5", GOOGLE),
        ping(c, "ts-reader-6", 5, 20),
        view(d, "ts-reader-7", TELEGRAM), view(d, "ts-reader-8", GOOGLE));

    JsonObject now = editor("/v1/editor/now?limit=10");
    assertThat(now.getString("sourceWindow")).isEqualTo("1h");
    assertThat(now.getJsonArray("items")).containsExactly(
        item(a, 3, 10, top("messenger", "telegram", 2)),
        item(b, 2, 0, top("search", "google", 2)),
        item(d, 2, 0, top("messenger", "telegram", 1)),
        item(c, 1, 5, null));
    assertThat(editor("/v1/editor/now?limit=2").getJsonArray("items")).containsExactly(
        item(a, 3, 10, top("messenger", "telegram", 2)), item(b, 2, 0, top("search", "google", 2)));

    for (String article : List.of(a, b, c, d)) {
      JsonObject view = editor("/v1/editor/articles/" + article);
      assertThat(view.fieldNames()).as(article).isEqualTo(ARTICLE_FIELDS);
      JsonArray sources = editor("/v1/editor/articles/" + article + "/sources?window=1h").getJsonArray("items");
      // The same window and order as the sources API: its first item, or null when it has none.
      assertThat(view.getValue("topSource")).as(article).isEqualTo(sources.isEmpty() ? null : sources.getJsonObject(0));
    }
    assertThat(editor("/v1/editor/articles/" + a).getJsonObject("topSource"))
        .isEqualTo(top("messenger", "telegram", 2));
    JsonObject never = editor("/v1/editor/articles/never-read-" + run);
    assertThat(never.fieldNames()).isEqualTo(ARTICLE_FIELDS);
    assertThat(never.getValue("topSource")).isNull();

    // 10:37: the first views are still in the last hour; three new readers of b come from Telegram.
    clock.advance(Duration.ofMinutes(30));
    post(ping(a, "ts-reader-1", 0, 40), ping(a, "ts-reader-2", 0, 40), ping(a, "ts-reader-3", 0, 40),
        view(b, "ts-reader-9", TELEGRAM), view(b, "ts-reader-10", TELEGRAM_APP), view(b, "ts-reader-11", TELEGRAM),
        ping(d, "ts-reader-7", 0, 10));
    assertThat(editor("/v1/editor/now?limit=10").getJsonArray("items")).containsExactly(
        item(a, 3, 0, top("messenger", "telegram", 2)),
        item(b, 3, 0, top("messenger", "telegram", 3)),
        item(d, 1, 0, top("messenger", "telegram", 1)));

    // 11:12: the last hour is the 11:10 slot and the eleven before it (from 10:15): the 10:07 views are
    // gone from it, the 10:37 ones are not; the readers are still there by their pings.
    clock.advance(Duration.ofMinutes(35));
    post(ping(a, "ts-reader-1", 0, 40), ping(b, "ts-reader-9", 0, 40), ping(d, "ts-reader-7", 0, 10));
    assertThat(editor("/v1/editor/now?limit=10").getJsonArray("items")).containsExactly(
        item(a, 1, 0, null),
        item(b, 1, 0, top("messenger", "telegram", 3)),
        item(d, 1, 0, null));
    assertThat(editor("/v1/editor/articles/" + a).getValue("topSource")).isNull();
    assertThat(editor("/v1/editor/articles/" + b).getJsonObject("topSource")).isEqualTo(top("messenger", "telegram", 3));
  }

  private static JsonObject view(String article, String vid, String referrer) {
    return PresenceTraffic.view(article, vid).put("url", PAGE).put("referrer", referrer);
  }

  private static JsonObject item(String article, long readers, long engagedSeconds, JsonObject topSource) {
    return new JsonObject().put("article", article).put("readers", readers).put("engagedSeconds", engagedSeconds)
        .put("topSource", topSource);
  }

  private static JsonObject top(String medium, String source, long views) {
    return new JsonObject().put("medium", medium).put("source", source).put("views", views);
  }

  private JsonObject editor(String path) {
    return PresenceTraffic.editor(service, TOKEN, path);
  }

  private void post(JsonObject... events) {
    PresenceTraffic.post(service, new ArrayList<>(List.of(events)), RunningService.BROWSER_UA);
    PresenceTraffic.awaitWritten(service);
  }
}
