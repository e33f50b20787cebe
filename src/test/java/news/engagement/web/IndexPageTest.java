package news.engagement.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import news.engagement.testing.RunningService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /} over plain HTTP: an HTML page that links what a newcomer wants, every link answering. */
class IndexPageTest {
  /** Shared with PagesTest: nothing here reads or counts anything in Redis. */
  private static final int REDIS_DB = 11;
  private static RunningService withDesk;
  private static RunningService withoutDesk;

  @BeforeAll
  static void start() {
    withDesk = RunningService.start(REDIS_DB, Clock.systemUTC(), Map.of("EDITOR_TOKEN", "index-page-token"));
    withoutDesk = RunningService.start(REDIS_DB, Clock.systemUTC(), Map.of());
  }

  @AfterAll
  static void stop() {
    try {
      withDesk.close();
    } finally {
      withoutDesk.close();
    }
  }

  @Test
  void isAnHtmlPageThatLinksTheDemoTheDeskMetricsAndReadiness() {
    HttpResponse<Buffer> response = withDesk.get("/");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).isEqualTo("text/html; charset=utf-8");
    assertThat(response.getHeader("Content-Security-Policy")).isEqualTo(Pages.PAGE_POLICY);
    String html = response.bodyAsString();
    assertThat(html).contains("<title>Engagement service</title>", "href=\"/demo/article\"", "href=\"/editor\"",
        "href=\"/metrics\"", "href=\"/health/ready\"", "docs/api.md");
    assertThat(html).doesNotContain("{{");
  }

  @Test
  void everyLinkOnThePageAnswers() {
    String html = withDesk.get("/").bodyAsString();
    List<String> links = java.util.regex.Pattern.compile("href=\"(/[^\"]*)\"").matcher(html).results()
        .map(m -> m.group(1)).distinct().toList();

    assertThat(links).contains("/demo/article", "/editor", "/metrics", "/health/ready", "/demo/demo.css");
    for (String link : links) {
      // Readiness turns 200 once the ClickHouse schema is in place, a moment after start.
      Eventually.await(link + " answers 200", () -> withDesk.get(link).statusCode(), code -> code == 200);
    }
  }

  @Test
  void saysWhetherTheEditorDeskIsOn() {
    assertThat(withDesk.get("/").bodyAsString()).contains("On: sign in with the service")
        .doesNotContain("runs without EDITOR_TOKEN");
    assertThat(withoutDesk.get("/").bodyAsString()).contains("Off: this service runs without EDITOR_TOKEN");
  }

  @Test
  void theSnippetNamesTheHostTheBrowserUsed() {
    assertThat(withDesk.get("/").bodyAsString())
        .contains("&lt;script src=\"http://127.0.0.1:" + withDesk.port() + "/tracker.js\"");

    // Behind a proxy the Host header names the public address; it is written into the page escaped (Html).
    HttpResponse<Buffer> proxied = RunningService.await(withDesk.client.get("/")
        .putHeader("Host", "stats.news.example:8443").send());
    assertThat(proxied.bodyAsString()).contains("&lt;script src=\"http://stats.news.example:8443/tracker.js\"");
  }
}
