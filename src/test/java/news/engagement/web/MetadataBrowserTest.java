package news.engagement.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import news.engagement.testing.Browser;
import news.engagement.testing.FreePort;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * Titles and sections in Chromium: the service's own origin is the site (as in scripts/run.sh), so the demo
 * pages it serves are crawled; an editor gives one article the title {@code <img src=x onerror=alert(1)>}.
 * The desk and the demo page's "most read" box show it as text, and nothing runs. Screenshots go to
 * target/screenshots/ (copies in docs/screenshots/).
 */
class MetadataBrowserTest {
  private static final int REDIS_DB = 10;
  private static final String TOKEN = "metadata-browser-" + UUID.randomUUID();
  private static final String MARKUP = "<img src=x onerror=alert(1)>";
  private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
  private static RunningService running;
  private static Browser browser;
  private static int port;

  @BeforeAll
  static void start() {
    TestStores.flush(REDIS_DB);
    port = FreePort.pick();
    running = RunningService.start(REDIS_DB, Clock.systemUTC(), Map.of(
        "HTTP_PORT", Integer.toString(port),
        "EDITOR_TOKEN", TOKEN,
        "SITE_ORIGINS", "http://127.0.0.1:" + port));
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
  void titlesShowAsTextOnTheDeskAndInTheWidget() throws Exception {
    String crawled = "demo-crawled-" + RUN;
    String markup = "demo-markup-" + RUN;
    String economy = "demo-economy-" + RUN;
    String culture = "demo-culture-" + RUN;
    // A reader opens the demo page: its view names the page, the service crawls it.
    browser.open(base() + "/demo/article?id=" + crawled);
    awaitTitle(crawled, "Strategic courtesy: Yerevan and Moscow keep talking, carefully");
    edit(markup, new JsonObject().put("title", MARKUP).put("section", "Politics")
        .put("url", base() + "/demo/article?id=" + markup).encode());
    edit(economy, "{\"title\":\"Central bank holds rates as inflation cools\",\"section\":\"Economy\","
        + "\"url\":\"" + base() + "/demo/article?id=" + economy + "\"}");
    edit(culture, "{\"title\":\"A quiet festival of Armenian film draws record crowds\",\"section\":\"Culture\","
        + "\"url\":\"" + base() + "/demo/article?id=" + culture + "\"}");
    running.postEvents("[" + views(markup, 6) + "," + views(economy, 4) + "," + views(culture, 3) + ","
        + views(crawled, 1) + "]", RunningService.BROWSER_UA);
    running.awaitApplied();

    browser.open(base() + "/editor");
    browser.js("sessionStorage.clear()");
    browser.driver.navigate().refresh();
    browser.await("the login form", d -> d.findElement(By.id("login")).isDisplayed());
    browser.driver.findElement(By.id("token")).sendKeys(TOKEN);
    browser.driver.findElement(By.id("sign-in")).click();
    browser.await("the top list shows the markup title as text",
        d -> titles(d, "#top").contains(MARKUP) && titles(d, "#top").contains("Central bank holds rates as inflation cools"));
    assertThat(titles(browser.driver, "#top")).contains("Strategic courtesy: Yerevan and Moscow keep talking, carefully");
    browser.await("the rising list shows titles too", d -> titles(d, "#rising").contains(MARKUP));
    assertThat(sections(browser.driver, "#top")).contains("Politics", "Economy", "Culture", "World");
    assertNothingInjected();
    Path desk = browser.screenshot("editor-desk-titles");
    assertThat(Files.size(desk)).isGreaterThan(10_000);

    // The demo page's "most read" box: an iframe of the widget.
    browser.open(base() + "/demo/article?id=" + crawled);
    WebElement frame = browser.await("the most-read box", d -> d.findElement(By.id("most-read")));
    browser.driver.switchTo().frame(frame);
    browser.await("the widget lists the markup title as text",
        d -> texts(d, "li").stream().anyMatch(t -> t.contains(MARKUP)));
    assertThat(browser.driver.findElements(By.tagName("img"))).isEmpty();
    assertThat(browser.driver.findElements(By.tagName("script"))).isEmpty();
    WebElement link = browser.driver.findElement(By.cssSelector("li[data-article='" + markup + "'] a"));
    assertThat(link.getText()).isEqualTo(MARKUP);
    assertThat(link.getDomAttribute("href")).isEqualTo(base() + "/demo/article?id=" + markup);
    browser.driver.switchTo().defaultContent();
    assertNothingInjected();
    // The box as the reader sees it under the article (an element's picture: the page is long).
    WebElement box = browser.driver.findElement(By.cssSelector(".most-read-box"));
    browser.js("arguments[0].scrollIntoView()", box);
    Path page = Browser.SCREENSHOTS.resolve("demo-most-read.png");
    Files.createDirectories(Browser.SCREENSHOTS);
    Files.move(box.getScreenshotAs(org.openqa.selenium.OutputType.FILE).toPath(), page,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThat(Files.size(page)).isGreaterThan(5_000);

    // The widget alone, as a site embeds it.
    browser.viewport(420, 320, false);
    browser.open(base() + "/v1/widgets/most-read?window=24h&limit=5");
    browser.await("the widget's list", d -> d.findElements(By.cssSelector("li")).size() >= 4);
    assertNothingInjected();
    browser.screenshot("widget-most-read");
    browser.driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
  }

  /** No element made from the title's markup, and no dialog open (an alert would also fail every later call). */
  private static void assertNothingInjected() {
    assertThat(browser.driver.findElements(By.cssSelector("img[src='x']"))).isEmpty();
    assertThat(browser.js("return document.querySelectorAll('img[onerror]').length")).isEqualTo(0L);
    try {
      browser.driver.switchTo().alert();
      throw new AssertionError("an alert opened");
    } catch (org.openqa.selenium.NoAlertPresentException expected) {
      // nothing ran
    }
  }

  private static void awaitTitle(String article, String title) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!title.equals(metadata(article).getString("title"))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no title crawled for " + article + ": " + metadata(article));
      }
      sleep(100);
    }
  }

  private static JsonObject metadata(String article) {
    return RunningService.await(running.client.get("/v1/editor/articles/" + article + "/metadata")
        .putHeader("Authorization", "Bearer " + TOKEN).send()).bodyAsJsonObject();
  }

  private static void edit(String article, String body) {
    HttpResponse<Buffer> response = RunningService.await(running.client.put("/v1/editor/articles/" + article + "/metadata")
        .putHeader("Authorization", "Bearer " + TOKEN).sendBuffer(Buffer.buffer(body)));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
  }

  private static List<String> titles(WebDriver d, String table) {
    return texts(d, table + " tbody td.article a");
  }

  private static List<String> sections(WebDriver d, String table) {
    return texts(d, table + " tbody td.article .section");
  }

  private static List<String> texts(WebDriver d, String css) {
    for (int attempt = 1; ; attempt++) {
      try {
        return d.findElements(By.cssSelector(css)).stream().map(e -> e.getDomProperty("textContent")).toList();
      } catch (org.openqa.selenium.StaleElementReferenceException redrawn) {
        if (attempt == 5) {
          throw redrawn;
        }
      }
    }
  }

  private static String views(String article, int visitors) {
    StringBuilder events = new StringBuilder();
    for (int i = 0; i < visitors; i++) {
      events.append(i == 0 ? "" : ",").append(new JsonObject().put("type", "view").put("article", article)
          .put("vid", "mdb-" + (article.hashCode() & 0xffff) + "-" + i).encode());
    }
    return events.toString();
  }

  private static String base() {
    return "http://127.0.0.1:" + port;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
