package news.engagement.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 * The editor desk in headless Chromium after real traffic: login with a wrong and a right token, the top
 * list and its pickers, the rising list, and the hourly chart drawn from ClickHouse. Needs GET /v1/top,
 * GET /v1/editor/trending and the timeseries endpoint with the history flusher (other branches).
 */
class EditorPageBrowserTest {
  private static final int REDIS_DB = 13;
  private static final String TOKEN = "editor-secret-" + UUID.randomUUID();
  private static RunningService running;
  private static Browser browser;

  @BeforeAll
  static void start() {
    // The top list is global to the database: earlier runs' articles must not tie with this run's.
    TestStores.flush(REDIS_DB);
    running = RunningService.start(REDIS_DB, Clock.systemUTC(), Map.of(
        "EDITOR_TOKEN", TOKEN,
        "FLUSH_INTERVAL", "1s"));
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
  void editorSeesTheArticleInTopAndRisingListsAndDrawsItsHours() throws Exception {
    String lead = "pages-editor-lead-" + UUID.randomUUID().toString().substring(0, 8);
    String other = "pages-editor-other-" + UUID.randomUUID().toString().substring(0, 8);
    // One reader in the browser, three more through the API; the other article gets two.
    browser.open(base() + "/demo/article?id=" + lead);
    browser.await("the demo page shows its view", d -> "1".equals(text(d, "[data-engagement='views']")));
    running.postEvents("[" + views(lead, 3) + "," + views(other, 2) + "]", RunningService.BROWSER_UA);
    running.awaitApplied();
    Eventually.await("4 views of " + lead + " in ClickHouse", () -> hourlyViews(lead), n -> n == 4);

    openEditorSignedOut();
    signIn("not-the-token");
    browser.await("the wrong token refused", d -> text(d, "#login-error").contains("not accepted"));
    assertThat(browser.driver.findElement(By.id("desk")).isDisplayed()).isFalse();

    signIn(TOKEN);
    browser.await("the top list shows " + lead + " first with 4 views",
        d -> rows(d, "#top").size() >= 2 && rows(d, "#top").get(0).equals(List.of("1", lead, "4")));
    assertThat(rows(browser.driver, "#top").get(1)).isEqualTo(List.of("2", other, "2"));
    browser.await("the rising list shows " + lead + " first with 4 recent views",
        d -> !rows(d, "#rising").isEmpty() && rows(d, "#rising").get(0).subList(0, 2).equals(List.of(lead, "4")));

    // With no article chosen, the chart shows the top article: 24 hourly bars adding up to its 4 views.
    browser.await("the chart of " + lead + " drawn", d -> chartViews(d) == 4);
    assertThat(browser.driver.findElements(By.cssSelector("#chart svg rect.bar"))).hasSize(24);
    assertThat(text(browser.driver, "#chart-title")).startsWith(lead + ": 4 views");
    Path png = browser.screenshot("editor-desk");
    assertThat(Files.size(png)).isGreaterThan(10_000);

    new Select(browser.driver.findElement(By.id("metric"))).selectByValue("uniques");
    browser.await("the visitors list", d -> text(d, "#top-metric").equalsIgnoreCase("Visitors")
        && !rows(d, "#top").isEmpty() && rows(d, "#top").get(0).equals(List.of("1", lead, "4")));

    browser.driver.findElement(By.cssSelector("#top a[data-article='" + other + "']")).click();
    browser.await("the chart of " + other + " drawn", d -> text(d, "#chart-title").startsWith(other + ": 2 views")
        && chartViews(d) == 2);
  }

  @Test
  void theTokenLivesOnlyInTheTabsSessionStorage() {
    openEditorSignedOut();
    signIn(TOKEN);
    browser.await("the desk shown", d -> d.findElement(By.id("desk")).isDisplayed());

    assertThat(browser.js("return sessionStorage.getItem('engagement.editorToken')")).isEqualTo(TOKEN);
    assertThat(browser.js("return localStorage.getItem('engagement.editorToken')")).isNull();
    browser.driver.navigate().refresh();
    browser.await("still signed in after a reload", d -> d.findElement(By.id("desk")).isDisplayed());

    browser.driver.findElement(By.id("logout")).click();
    browser.await("signed out", d -> d.findElement(By.id("login")).isDisplayed());
    assertThat(browser.js("return sessionStorage.getItem('engagement.editorToken')")).isNull();
  }

  /** The tab's sessionStorage outlives navigations: start each test from the login form. */
  private static void openEditorSignedOut() {
    browser.open(base() + "/editor");
    browser.js("sessionStorage.clear()");
    browser.driver.navigate().refresh();
  }

  private static void signIn(String token) {
    browser.await("the login form", d -> d.findElement(By.id("login")).isDisplayed());
    WebElement field = browser.driver.findElement(By.id("token"));
    field.clear();
    field.sendKeys(token);
    browser.driver.findElement(By.id("sign-in")).click();
  }

  private static long hourlyViews(String article) {
    HttpResponse<Buffer> response = RunningService.await(running.client
        .get("/v1/editor/articles/" + article + "/timeseries?interval=hour")
        .putHeader("Authorization", "Bearer " + TOKEN).send());
    if (response.statusCode() != 200) {
      return -response.statusCode();
    }
    JsonArray points = response.bodyAsJsonObject().getJsonArray("points");
    return points.stream().mapToLong(p -> ((JsonObject) p).getLong("views")).sum();
  }

  private static long chartViews(WebDriver d) {
    return d.findElements(By.cssSelector("#chart svg rect.bar")).stream()
        .mapToLong(r -> Long.parseLong(r.getDomAttribute("data-value"))).sum();
  }

  /** The table's cells; read again when the desk redraws the table while it is being read. */
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

  private static String views(String article, int visitors) {
    StringBuilder events = new StringBuilder();
    for (int i = 0; i < visitors; i++) {
      events.append(i == 0 ? "" : ",").append("{\"type\":\"view\",\"article\":\"").append(article)
          .append("\",\"vid\":\"editor-test-").append(article.hashCode() & 0xffff).append('-').append(i).append("\"}");
    }
    return events.toString();
  }

  private static String base() {
    return "http://127.0.0.1:" + running.port();
  }
}
