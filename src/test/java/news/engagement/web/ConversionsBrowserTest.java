package news.engagement.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import news.engagement.metrics.EngagementMetrics;
import news.engagement.testing.Browser;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestStores;
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
    TestStores.flush(REDIS_DB); // the desk's site-wide list reads every article of the database
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

  @Test
  void theDeskShowsWhatTheChosenStoryBroughtAndTheStoriesThatBroughtFollowers() throws Exception {
    String lead = "clicks-desk-lead-" + UUID.randomUUID().toString().substring(0, 8);
    String other = "clicks-desk-other-" + UUID.randomUUID().toString().substring(0, 8);
    StringBuilder events = new StringBuilder("[");
    for (int i = 0; i < 7; i++) {
      events.append(click(lead, "desk-reader-" + i, i < 5 ? "goal\":\"telegram_follow" : "goal\":\"newsletter")).append(',');
      events.append(click(other, "desk-reader-" + i, i < 2 ? "goal\":\"telegram_follow" : "goal\":\"app_android")).append(',');
    }
    for (String href : List.of("https://t.me/dailyledger", "https://www.youtube.com/watch?v=1", "https://t.me/x")) {
      for (int i = 0; i < (href.contains("youtube") ? 2 : 3); i++) {
        events.append("{\"type\":\"outbound\",\"article\":\"").append(lead).append("\",\"vid\":\"desk-out-")
            .append(i).append("-").append(href.length()).append("\",\"href\":\"").append(href).append("\"},");
      }
    }
    events.setLength(events.length() - 1);
    assertThat(running.postEvents(events.append(']').toString(), RunningService.BROWSER_UA).statusCode()).isEqualTo(202);
    Eventually.await("the clicks written", () -> goal(lead, "newsletter"), n -> n == 2);

    browser.open("http://127.0.0.1:" + running.port() + "/editor?article=" + lead);
    browser.js("sessionStorage.setItem('engagement.editorToken', arguments[0])", TOKEN);
    browser.driver.navigate().refresh();
    browser.await("the article's conversions", d -> rows(d, "#goals").equals(List.of(
        List.of("telegram_follow", "5"), List.of("newsletter", "2"))));
    assertThat(rows(browser.driver, "#destinations")).isEqualTo(List.of(List.of("t.me", "6"), List.of("youtube.com", "2")));
    browser.await("the stories that brought follows", d -> rows(d, "#followers").size() >= 2
        && rows(d, "#followers").subList(0, 2).equals(List.of(List.of("1", lead, "5"), List.of("2", other, "2"))));

    new org.openqa.selenium.support.ui.Select(browser.driver.findElement(By.id("followers-goal"))).selectByValue("app_android");
    browser.await("the stories that brought Android taps", d -> rows(d, "#followers").equals(List.of(List.of("1", other, "5"))));
    new org.openqa.selenium.support.ui.Select(browser.driver.findElement(By.id("followers-goal"))).selectByValue("telegram_follow");
    browser.await("back to follows", d -> !rows(d, "#followers").isEmpty() && rows(d, "#followers").get(0).get(1).equals(lead));

    Path png = browser.driver.findElement(By.id("conversions-grid")).getScreenshotAs(org.openqa.selenium.OutputType.FILE)
        .toPath();
    Files.createDirectories(Browser.SCREENSHOTS);
    Path target = Files.move(png, Browser.SCREENSHOTS.resolve("editor-conversions.png"), StandardCopyOption.REPLACE_EXISTING);
    assertThat(Files.size(target)).isGreaterThan(5_000);
  }

  private static String click(String article, String vid, String goal) {
    return "{\"type\":\"conversion\",\"article\":\"" + article + "\",\"vid\":\"" + vid + "\",\"" + goal + "\"}";
  }

  /** The table's cells; read again when the desk redraws the table while it is being read. */
  private static List<List<String>> rows(org.openqa.selenium.WebDriver d, String table) {
    for (int attempt = 1; ; attempt++) {
      try {
        return d.findElements(By.cssSelector(table + " tbody tr")).stream()
            .map(row -> row.findElements(By.tagName("td")).stream().map(org.openqa.selenium.WebElement::getText).toList())
            .toList();
      } catch (org.openqa.selenium.StaleElementReferenceException redrawn) {
        if (attempt == 5) {
          throw redrawn;
        }
      }
    }
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
