package news.engagement.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import news.engagement.metrics.EngagementMetrics;
import news.engagement.testing.Browser;
import news.engagement.testing.RunningService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The demo article's follow block, badges and links out in Debian's headless Chromium against the real
 * service and Redis: what a reader's clicks send (tracker.js), checked through the editor endpoint and the
 * service's own counters.
 */
class ConversionsBrowserTest {
  private static final int REDIS_DB = 1;
  private static final String TOKEN = "conversions-browser-token";
  private static RunningService running;
  private static Browser browser;

  @BeforeAll
  static void start() {
    running = RunningService.start(REDIS_DB, Clock.systemUTC(), Map.of("EDITOR_TOKEN", TOKEN));
    browser = new Browser();
  }

  @AfterAll
  static void stop() {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      running.close();
    }
  }

  @Test
  void clickingTheTelegramBlockSendsOneConversion_aSecondClickInsideTheWindowCountsOnce() {
    String id = open("follow");
    double conversions = received("conversion");
    double outbound = received("outbound");

    browser.driver.findElement(By.cssSelector("#follow-telegram h2")).click();
    Eventually.await("one conversion received", () -> received("conversion") - conversions, n -> n == 1);
    Eventually.await("telegram_follow counted", () -> goal(id, "telegram_follow"), n -> n == 1);

    browser.driver.findElement(By.cssSelector("#follow-telegram p")).click();
    Eventually.await("the second click received", () -> received("conversion") - conversions, n -> n == 2);
    running.awaitApplied();
    Eventually.await("the second click written (a duplicate)", () -> conversionsWritten(), w -> w);
    assertThat(goal(id, "telegram_follow")).isEqualTo(1);
    // The block's text is no link: nothing went out.
    assertThat(received("outbound") - outbound).isZero();
  }

  @Test
  void clickingAnOutboundLinkSendsOneOutboundEvenThoughThePageNavigatesAway() {
    String id = open("outbound");
    double outbound = received("outbound");
    String page = browser.driver.getCurrentUrl();

    browser.driver.findElement(By.id("out-youtube")).click(); // same tab: the page is left at once

    Eventually.await("youtube.com counted", () -> destination(id, "youtube.com"), n -> n == 1);
    assertThat(received("outbound") - outbound).isEqualTo(1);
    assertThat(browser.driver.getCurrentUrl()).isNotEqualTo(page);
    assertThat(editor(id).getJsonArray("outbound")).hasSize(1);
  }

  @Test
  void ignoredLinksInternalLinksAndScriptedClicksSendNothing_aBadgeSendsBoth() {
    String id = open("ignored");
    double outbound = received("outbound");
    double conversions = received("conversion");
    double views = received("view");

    browser.driver.findElement(By.id("out-sponsored")).click(); // data-engagement-ignore (opens a tab)
    browser.js("document.getElementById('follow-telegram').click()"); // not a reader's click
    browser.driver.findElement(By.id("internal-link")).click(); // into the site: the same page again
    Eventually.await("the internal page's view", () -> received("view") - views, n -> n == 1);
    browser.await("the page loaded again", d -> d.findElements(By.id("app-ios")).size() == 1
        && browser.js("return window.engagement && window.engagement.article") != null);

    // A badge is a goal and a link out: it sends both, so the clicks above would have shown by now.
    browser.driver.findElement(By.id("app-ios")).click();
    Eventually.await("the badge's conversion", () -> received("conversion") - conversions, n -> n == 1);
    Eventually.await("the badge's outbound", () -> destination(id, "apps.apple.com"), n -> n == 1);
    assertThat(received("outbound") - outbound).isEqualTo(1);
    assertThat(goal(id, "app_ios")).isEqualTo(1);
    JsonObject body = editor(id);
    assertThat(body.getJsonObject("conversions").fieldNames()).containsExactly("app_ios");
    assertThat(body.getJsonArray("outbound")).hasSize(1);
  }

  private static String open(String what) {
    String id = "clicks-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
    browser.open("http://127.0.0.1:" + running.port() + "/demo/article?id=" + id);
    browser.await("the tracker loaded", d -> browser.js("return window.engagement && window.engagement.article") != null);
    Eventually.await("the view received", () -> running.article(id).getLong("views"), n -> n == 1);
    return id;
  }

  private static boolean conversionsWritten() {
    return running.service.room(news.engagement.conversions.Conversions.class).written();
  }

  private static JsonObject editor(String id) {
    var response = RunningService.await(running.client.get("/v1/editor/articles/" + id + "/conversions?window=1h")
        .putHeader("Authorization", "Bearer " + TOKEN).send());
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private static long goal(String id, String goal) {
    return editor(id).getJsonObject("conversions").getLong(goal, 0L);
  }

  private static long destination(String id, String destination) {
    return editor(id).getJsonArray("outbound").stream().map(o -> (JsonObject) o)
        .filter(o -> destination.equals(o.getString("destination"))).mapToLong(o -> o.getLong("clicks")).sum();
  }

  private static double received(String type) {
    return running.registry.counter(EngagementMetrics.RECEIVED, "type", type).count();
  }
}
