package news.engagement.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import news.engagement.presence.Presence;
import news.engagement.testing.Browser;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The editor desk's reading-now panel and article attention in headless Chromium: the panel follows new
 * readers by itself (no page reload), the chosen article shows readers now, average engaged time and
 * read-through beside its views, each with its top source of the last hour (set as text: a campaign named
 * with markup shows its sanitised name and adds no element), and the chart switches to engaged time.
 */
class EditorNowBrowserTest {
  private static final int REDIS_DB = 13;
  private static final String TOKEN = "editor-now-" + UUID.randomUUID();
  /** The page address of both views: a campaign whose utm_source is markup. */
  private static final String CAMPAIGN_URL = "https://news.example/story?utm_source="
      + java.net.URLEncoder.encode("<img src=x onerror=alert(1)>", java.nio.charset.StandardCharsets.UTF_8);
  /** What the desk shows of it: the classifier's name (docs/sources.md) and the medium, as text. */
  private static final String TOP_SOURCE = "img_src_x_onerror_alert_1 (campaign)";
  private static RunningService running;
  private static Browser browser;

  @BeforeAll
  static void start() {
    TestStores.flush(REDIS_DB);
    running = RunningService.start(REDIS_DB, Clock.systemUTC(), Map.of("EDITOR_TOKEN", TOKEN,
        "PRESENCE_INTERVAL", "10ms", "PRESENCE_FLUSH_INTERVAL", "200ms", "FLUSH_INTERVAL", "1s"));
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
  void readingNowRefreshesItselfAndTheArticleShowsItsAttention() {
    String article = "desk-now-" + UUID.randomUUID().toString().substring(0, 8);
    // Two readers: one engaged 40 s and read to the end, one engaged 20 s and stopped at 30 %.
    send(new JsonArray().add(event("view", article, "desk-reader-1").put("url", CAMPAIGN_URL))
        .add(event("view", article, "desk-reader-2").put("url", CAMPAIGN_URL))
        .add(ping(article, "desk-reader-1", 40, 100)).add(ping(article, "desk-reader-2", 20, 30)));

    browser.open(base() + "/editor?article=" + article);
    browser.js("sessionStorage.clear()");
    browser.driver.navigate().refresh();
    browser.await("the login form", d -> d.findElement(By.id("login")).isDisplayed());
    browser.driver.findElement(By.id("token")).sendKeys(TOKEN);
    browser.driver.findElement(By.id("sign-in")).click();
    browser.await("reading now shows 2 readers of " + article,
        d -> rows(d, "#now").contains(List.of(article, "2", "1:00", TOP_SOURCE)));
    browser.js("window.__sameDocument = true");

    send(new JsonArray().add(ping(article, "desk-reader-3", 5, 80)));
    browser.await("the panel follows a third reader without a reload",
        d -> rows(d, "#now").contains(List.of(article, "3", "1:05", TOP_SOURCE)));
    assertThat(browser.js("return window.__sameDocument === true")).isEqualTo(true);
    assertThat(text(browser.driver, "#now-readers")).isEqualTo("3");

    browser.await("the article's attention beside its views", d -> "2".equals(field(d, "views"))
        && "3".equals(field(d, "readingNow")) && "33 %".equals(field(d, "readThrough")));
    // (WebDriver reads the page's no-break spaces as spaces.) 65 s engaged by 3 visitors: 22 s each on average (once ClickHouse has the minute).
    browser.await("average engaged time", d -> "0:22".equals(field(d, "averageEngaged")));
    assertThat(field(browser.driver, "depth")).isEqualTo("100 % / 67 % / 67 %");
    assertThat(field(browser.driver, "topSource")).isEqualTo(TOP_SOURCE);
    assertThat(browser.js("return document.querySelectorAll('img[onerror]').length")).isEqualTo(0L);

    new Select(browser.driver.findElement(By.id("chart-metric"))).selectByValue("engaged");
    browser.await("the chart shows engaged time", d -> text(d, "#chart-heading").equals("Engaged time per hour")
        && chartTotal(d) == 65);
    assertThat(text(browser.driver, "#chart-title")).startsWith(article + ": 1:05 engaged");
    browser.screenshot("editor-desk-reading-now");
  }

  private static void send(JsonArray events) {
    assertThat(running.postEvents(events.encode(), RunningService.BROWSER_UA).statusCode()).isEqualTo(202);
    running.awaitApplied();
    Presence presence = running.service.room(Presence.class);
    Eventually.await("presence written", presence::written, done -> done);
  }

  private static JsonObject event(String type, String article, String vid) {
    return new JsonObject().put("type", type).put("article", article).put("vid", vid);
  }

  private static JsonObject ping(String article, String vid, int engaged, int depth) {
    return event("ping", article, vid).put("engaged", engaged).put("depth", depth);
  }

  private static String field(WebDriver d, String name) {
    return text(d, "#article-summary [data-field='" + name + "']");
  }

  private static long chartTotal(WebDriver d) {
    return d.findElements(By.cssSelector("#chart svg rect.bar")).stream()
        .mapToLong(r -> Long.parseLong(r.getDomAttribute("data-value"))).sum();
  }

  private static List<List<String>> rows(WebDriver d, String table) {
    for (int attempt = 1; ; attempt++) {
      try {
        return d.findElements(By.cssSelector(table + " tbody tr")).stream()
            .map(row -> row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList())
            .toList();
      } catch (org.openqa.selenium.StaleElementReferenceException redrawn) {
        if (attempt == 5) {
          throw redrawn;
        }
      }
    }
  }

  private static String text(WebDriver d, String css) {
    return d.findElement(By.cssSelector(css)).getText();
  }

  private static String base() {
    return "http://127.0.0.1:" + running.port();
  }
}
