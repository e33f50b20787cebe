package news.engagement.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class EventValidatorTest {

  private static EventValidator.Result check(String json) {
    return EventValidator.validate(3, new JsonObject(json));
  }

  @Test
  void acceptsEachTypeAndIgnoresUnknownFields() {
    assertThat(check("{\"type\":\"view\",\"article\":\"2026-02-07-strategic-courtesy-yerevan-moscow\",\"x\":1}").event())
        .isEqualTo(new Event(EventType.VIEW, "2026-02-07-strategic-courtesy-yerevan-moscow", null, null));
    assertThat(check("{\"type\":\"like\",\"article\":\"a\",\"vid\":\"abcdEFGH-_12\"}").event().vid()).isEqualTo("abcdEFGH-_12");
    assertThat(check("{\"type\":\"unlike\",\"article\":\"news/2026/x:1.2\"}").event()).isNotNull();
    assertThat(check("{\"type\":\"share\",\"article\":\"a\",\"network\":\"telegram\"}").event().network())
        .isEqualTo(Network.TELEGRAM);
    assertThat(check("{\"type\":\"view\",\"article\":\"a\",\"url\":\"https://x\",\"referrer\":\"\"}").event()).isNotNull();
  }

  @Test
  void rejectsWithIndexAndReason() {
    assertReject("{\"article\":\"a\"}", "invalid_type");
    assertReject("{\"type\":\"read\",\"article\":\"a\"}", "invalid_type");
    assertReject("{\"type\":7,\"article\":\"a\"}", "invalid_type");
    assertReject("{\"type\":\"view\"}", "invalid_article");
    assertReject("{\"type\":\"view\",\"article\":\"\"}", "invalid_article");
    assertReject("{\"type\":\"view\",\"article\":\"-leading-dash\"}", "invalid_article");
    assertReject("{\"type\":\"view\",\"article\":\"has space\"}", "invalid_article");
    assertReject("{\"type\":\"view\",\"article\":\"" + "a".repeat(129) + "\"}", "invalid_article");
    assertReject("{\"type\":\"view\",\"article\":42}", "invalid_article");
    assertReject("{\"type\":\"view\",\"article\":\"a{b}\"}", "invalid_article");
    assertReject("{\"type\":\"view\",\"article\":\"a\",\"vid\":\"short\"}", "invalid_vid");
    assertReject("{\"type\":\"view\",\"article\":\"a\",\"vid\":\"has spaces in it\"}", "invalid_vid");
    assertReject("{\"type\":\"view\",\"article\":\"a\",\"vid\":12345678}", "invalid_vid");
    assertReject("{\"type\":\"view\",\"article\":\"a\",\"url\":[]}", "invalid_url");
    assertReject("{\"type\":\"share\",\"article\":\"a\"}", "invalid_network");
    assertReject("{\"type\":\"share\",\"article\":\"a\",\"network\":\"myspace\"}", "invalid_network");
  }

  @Test
  void pingsCarryEngagedSecondsAndDepth() {
    Event ping = check("{\"type\":\"ping\",\"article\":\"a\",\"vid\":\"abcdEFGH-_12\",\"engaged\":15,\"depth\":40}")
        .event();
    assertThat(ping).isEqualTo(new Event(EventType.PING, "a", "abcdEFGH-_12", null, 15, 40));
    // vid is optional as for views; bounds are inclusive; JavaScript's 15.0 is a whole number.
    assertThat(check("{\"type\":\"ping\",\"article\":\"a\",\"engaged\":60,\"depth\":100}").event())
        .isEqualTo(new Event(EventType.PING, "a", null, null, 60, 100));
    assertThat(check("{\"type\":\"ping\",\"article\":\"a\",\"engaged\":0,\"depth\":0}").event().engaged()).isZero();
    assertThat(check("{\"type\":\"ping\",\"article\":\"a\",\"engaged\":15.0}").event().engaged()).isEqualTo(15);
    assertThat(check("{\"type\":\"ping\",\"article\":\"a\"}").event()).isEqualTo(new Event(EventType.PING, "a", null, null, 0, 0));
    // Other types ignore the fields.
    assertThat(check("{\"type\":\"view\",\"article\":\"a\",\"engaged\":999}").event().engaged()).isZero();
  }

  @Test
  void badPingsAreRejectedWithIndexAndReason() {
    assertReject("{\"type\":\"ping\",\"article\":\"a\",\"engaged\":61}", "invalid_engaged");
    assertReject("{\"type\":\"ping\",\"article\":\"a\",\"engaged\":-1}", "invalid_engaged");
    assertReject("{\"type\":\"ping\",\"article\":\"a\",\"engaged\":1.5}", "invalid_engaged");
    assertReject("{\"type\":\"ping\",\"article\":\"a\",\"engaged\":\"15\"}", "invalid_engaged");
    assertReject("{\"type\":\"ping\",\"article\":\"a\",\"engaged\":1e9}", "invalid_engaged");
    assertReject("{\"type\":\"ping\",\"article\":\"a\",\"depth\":101}", "invalid_depth");
    assertReject("{\"type\":\"ping\",\"article\":\"a\",\"depth\":-5}", "invalid_depth");
    assertReject("{\"type\":\"ping\",\"article\":\"a\",\"depth\":true}", "invalid_depth");
    assertReject("{\"type\":\"ping\",\"article\":\"a\",\"vid\":\"short\"}", "invalid_vid");
    assertReject("{\"type\":\"ping\"}", "invalid_article");
    assertThat(check("{\"type\":\"ping\",\"article\":\"a\",\"engaged\":61}").rejection().index()).isEqualTo(3);
  }

  @Test
  void articleIdsOfExactly128CharactersAreFine() {
    assertThat(check("{\"type\":\"view\",\"article\":\"" + "a".repeat(128) + "\"}").event()).isNotNull();
  }

  @Test
  void nonObjectsAreRejected() {
    assertThat(EventValidator.validate(0, new JsonArray()).rejection().error()).isEqualTo("invalid_event");
    assertThat(EventValidator.validate(1, "view").rejection().error()).isEqualTo("invalid_event");
    assertThat(EventValidator.validate(2, null).rejection().index()).isEqualTo(2);
  }

  private static void assertReject(String json, String error) {
    Rejection r = check(json).rejection();
    assertThat(r).as(json).isNotNull();
    assertThat(r.index()).isEqualTo(3);
    assertThat(r.error()).isEqualTo(error);
    assertThat(r.message()).isNotBlank();
  }

  @Test
  void keepsUrlAndReferrerOnViewsOnly() {
    assertThat(check("{\"type\":\"view\",\"article\":\"a\",\"url\":\"https://news.example/a\",\"referrer\":\"https://t.me/\"}").event())
        .isEqualTo(Event.view("a", null, "https://news.example/a", "https://t.me/"));
    assertThat(check("{\"type\":\"view\",\"article\":\"a\",\"url\":\"\",\"referrer\":\"\"}").event())
        .isEqualTo(Event.view("a", null, null, null));
    assertThat(check("{\"type\":\"like\",\"article\":\"a\",\"url\":\"https://news.example/a\"}").event().url()).isNull();
    assertReject("{\"type\":\"view\",\"article\":\"a\",\"referrer\":\"" + "r".repeat(2049) + "\"}", "invalid_referrer");
  }

  @Test
  void handWrittenChecksMatchTheDocumentedPatterns() {
    java.util.Random random = new java.util.Random(5);
    String chars = "aZ09._:/-+ é{";
    for (int i = 0; i < 100_000; i++) {
      StringBuilder id = new StringBuilder();
      int n = random.nextInt(i % 10 == 0 ? 140 : 70);
      for (int k = 0; k < n; k++) {
        id.append(chars.charAt(random.nextInt(chars.length())));
      }
      String text = id.toString();
      assertThat(EventValidator.validArticle(text)).as(text).isEqualTo(EventValidator.ARTICLE.matcher(text).matches());
      assertThat(news.engagement.visitor.VisitorIds.validVid(text)).as(text)
          .isEqualTo(news.engagement.visitor.VisitorIds.VID.matcher(text).matches());
    }
    assertThat(EventValidator.validArticle(null)).isFalse();
  }
}
