package news.engagement.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules of conversions and outbound clicks at the edge: goals from the list, http(s) links off the site. */
class ClicksTest {
  private static final EventValidator.Rules RULES = EventValidator.Rules.of(List.of("telegram_follow", "newsletter"),
      List.of("https://news.example", "http://localhost:8080"));

  private static EventValidator.Result check(String json) {
    return EventValidator.validate(4, new JsonObject(json), RULES);
  }

  @Test
  void aConversionNeedsOneOfTheSitesGoals() {
    Event e = check("{\"type\":\"conversion\",\"article\":\"a1\",\"goal\":\"newsletter\"}").event();
    assertThat(e.type()).isEqualTo(EventType.CONVERSION);
    assertThat(e.goal()).isEqualTo("newsletter");
    for (String bad : List.of("\"goal\":\"app_ios\"", "\"goal\":\"Newsletter\"", "\"goal\":7", "\"x\":1")) {
      Rejection r = check("{\"type\":\"conversion\",\"article\":\"a1\"," + bad + "}").rejection();
      assertThat(r.error()).as(bad).isEqualTo("invalid_goal");
      assertThat(r.index()).isEqualTo(4);
    }
  }

  @Test
  void theDestinationIsTheHostLowerCasedWithoutPortAndLeadingWww() {
    assertThat(Clicks.destination("https://t.me/example")).isEqualTo("t.me");
    assertThat(Clicks.destination("https://WWW.YouTube.COM:443/watch?v=1")).isEqualTo("youtube.com");
    assertThat(Clicks.destination("http://apps.apple.com:8080/app")).isEqualTo("apps.apple.com");
    assertThat(Clicks.destination("http://localhost:3000/")).isEqualTo("localhost");
    assertThat(Clicks.destination("http://192.168.0.1/x")).isEqualTo("192.168.0.1");
    assertThat(Clicks.destination("https://www.play.google.com./store")).isEqualTo("play.google.com");
    for (String bad : List.of("mailto:a@b.c", "javascript:void(0)", "ftp://x.example/", "tel:+123", "/relative",
        "https://", "not a link", "data:text/html,hi")) {
      assertThat(Clicks.destination(bad)).as(bad).isNull();
    }
  }

  @Test
  void anOutboundClickNeedsAnHttpLinkThatLeavesTheSite() {
    Event e = check("{\"type\":\"outbound\",\"article\":\"a1\",\"vid\":\"visitor-0001\",\"href\":\"https://www.t.me/x\"}")
        .event();
    assertThat(e.type()).isEqualTo(EventType.OUTBOUND);
    assertThat(e.destination()).isEqualTo("t.me");
    assertThat(e.vid()).isEqualTo("visitor-0001");
    assertThat(check("{\"type\":\"outbound\",\"article\":\"a1\",\"href\":\"https://News.Example/story\"}").rejection()
        .error()).isEqualTo("internal_href");
    assertThat(check("{\"type\":\"outbound\",\"article\":\"a1\",\"href\":\"http://localhost:8080/x\"}").rejection()
        .error()).isEqualTo("internal_href");
    // Another port of the same host is another origin: it leaves the site.
    assertThat(check("{\"type\":\"outbound\",\"article\":\"a1\",\"href\":\"http://localhost:9090/x\"}").event()
        .destination()).isEqualTo("localhost");
    String long2k = "https://x.example/" + "a".repeat(2048);
    for (String bad : List.of("\"href\":\"mailto:a@b.c\"", "\"href\":1", "\"x\":1", "\"href\":\"" + long2k + "\"")) {
      assertThat(check("{\"type\":\"outbound\",\"article\":\"a1\"," + bad + "}").rejection().error()).as(bad)
          .isEqualTo("invalid_href");
    }
  }
}
