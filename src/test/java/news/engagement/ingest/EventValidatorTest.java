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
}
