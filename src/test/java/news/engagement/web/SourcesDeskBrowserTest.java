package news.engagement.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import news.engagement.testing.Browser;
import news.engagement.testing.RunningService;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The editor desk's source breakdown in headless Chromium: a reader who comes to the demo article from
 * another page of the site (the page script sends location.href and document.referrer: internal), two
 * from Telegram and one from Google through the API; the desk lists them for the article and the site.
 */
class SourcesDeskBrowserTest {
  private static final int REDIS_DB = 0;
  private static final String TOKEN = "sources-desk-" + UUID.randomUUID();

  @Test
  void theDeskShowsWhereTheArticlesReadersCameFrom() throws Exception {
    String id = "pages-sources-" + UUID.randomUUID().toString().substring(0, 8);
    try (RunningService running = RunningService.start(REDIS_DB, Clock.systemUTC(), Map.of("EDITOR_TOKEN", TOKEN));
         Browser browser = new Browser()) {
      String base = "http://127.0.0.1:" + running.port();
      // The index page sends no referrer (its meta tag): the reader comes from another demo article.
      browser.open(base + "/demo/article?id=" + id + "-front");
      browser.await("the first page counted its view", d -> "1".equals(text(d, "[data-engagement='views']")));
      ((JavascriptExecutor) browser.driver).executeScript("location.href = '/demo/article?id=" + id + "'");
      browser.await("the demo page counted its view", d -> "1".equals(text(d, "[data-engagement='views']")));
      JsonArray events = new JsonArray();
      String[] referrers = {"https://t.me/news_channel/12", "android-app://org.telegram.messenger/", "https://www.google.com/"};
      for (int i = 0; i < referrers.length; i++) {
        events.add(new JsonObject().put("type", "view").put("article", id).put("vid", "sources-desk-" + i)
            .put("url", base + "/demo/article?id=" + id).put("referrer", referrers[i]));
      }
      running.postEvents(events.encode(), RunningService.BROWSER_UA);
      running.awaitApplied();

      browser.open(base + "/editor?article=" + id);
      browser.js("sessionStorage.clear()");
      browser.driver.navigate().refresh();
      browser.await("the login form", d -> d.findElement(By.id("login")).isDisplayed());
      browser.driver.findElement(By.id("token")).sendKeys(TOKEN);
      browser.driver.findElement(By.id("sign-in")).click();
      new Select(browser.driver.findElement(By.id("sources-window"))).selectByValue("1h");
      // WebDriver reads the desk's no-break space before "%" as a plain space.
      List<List<String>> expected = List.of(List.of("messenger", "telegram", "2", "50.0 %"),
          List.of("internal", "127.0.0.1", "1", "25.0 %"), List.of("search", "google", "1", "25.0 %"));
      try {
        browser.await("the article's sources", d -> rows(d, "#article-sources").equals(expected));
      } catch (org.openqa.selenium.TimeoutException e) {
        assertThat(rows(browser.driver, "#article-sources")).isEqualTo(expected); // says what the desk shows
      }
      assertThat(text(browser.driver, "#article-sources-title")).isEqualTo("This article: " + id);
      browser.await("the site's sources", d -> !rows(d, "#site-sources").isEmpty());
      // Tall enough for the whole desk, sources at the bottom, in one screenshot.
      browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1700));
      Path png = browser.screenshot("editor-sources");
      assertThat(Files.size(png)).isGreaterThan(10_000);
    }
  }

  private static List<List<String>> rows(WebDriver d, String table) {
    try {
      return d.findElements(By.cssSelector(table + " tbody tr")).stream()
          .map(row -> row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList()).toList();
    } catch (org.openqa.selenium.StaleElementReferenceException redrawn) {
      return List.of();
    }
  }

  private static String text(WebDriver d, String css) {
    return d.findElement(By.cssSelector(css)).getText();
  }
}
