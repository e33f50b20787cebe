package news.engagement.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import news.engagement.metrics.EngagementMetrics;
import news.engagement.testing.FreePort;
import news.engagement.testing.Browser;
import news.engagement.testing.RunningService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The demo article in Debian's headless Chromium against the real service and Redis: what a reader's
 * browser does with tracker.js, checked through the public API and the service's own counters.
 */
class DemoPageBrowserTest {
  private static final int REDIS_DB = 12;
  private static RunningService running;
  private static Browser browser;
  /** Where a stand-in news site on another origin embeds the tracker. */
  private static int sitePort;

  @BeforeAll
  static void start() {
    sitePort = FreePort.pick();
    running = RunningService.start(REDIS_DB, Clock.systemUTC(), Map.of(
        "CORS_ORIGINS", "http://127.0.0.1:" + sitePort));
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
  void openingThePageCountsOneViewAndShowsIt_reloadInsideTheWindowDoesNot() {
    String id = article("view");
    double received = received("view");
    double duplicates = duplicates();

    browser.open(pageUrl(id));

    awaitShown(browser, "views", "1");
    assertThat(running.article(id).getLong("views")).isEqualTo(1);
    assertThat(running.article(id).getLong("uniques")).isEqualTo(1);
    // The page sent exactly one view (not one per script, not one per fill).
    assertThat(received("view") - received).isEqualTo(1);

    browser.driver.navigate().refresh();

    Eventually.await("the reload's view dropped as a duplicate", DemoPageBrowserTest::duplicates,
        d -> d - duplicates == 1);
    awaitShown(browser, "views", "1");
    assertThat(received("view") - received).isEqualTo(2);
    assertThat(running.article(id).getLong("views")).isEqualTo(1);
  }

  @Test
  void likeButtonTogglesRemembersItsStateAndCountsOnce() {
    String id = article("like");
    browser.open(pageUrl(id));
    awaitShown(browser, "views", "1");
    double likes = received("like");

    browser.driver.findElement(By.id("like")).click();

    awaitLikes(id, 1);
    awaitShown(browser, "likes", "1");
    assertThat(likeButton()).isEqualTo("true Liked");

    browser.driver.navigate().refresh();
    awaitShown(browser, "likes", "1");
    assertThat(likeButton()).isEqualTo("true Liked");
    // A second like from the same visitor arrives but does not count.
    browser.js("window.engagement.like()");
    Eventually.await("the second like received", () -> received("like") - likes, n -> n == 2);
    assertThat(running.article(id).getLong("likes")).isEqualTo(1);

    browser.driver.findElement(By.id("like")).click();
    awaitLikes(id, 0);
    assertThat(likeButton()).isEqualTo("false Like");

    browser.driver.findElement(By.id("like")).click();
    awaitLikes(id, 1);
    assertThat(likeButton()).isEqualTo("true Liked");
  }

  @Test
  void eachShareButtonReportsItsNetworkAndOpensTheRealTarget() throws Exception {
    String id = article("share");
    browser.open(pageUrl(id));
    awaitShown(browser, "views", "1");
    // Popups and the print dialog are recorded instead of opened: the test machine has no internet.
    browser.js("window.opened = []; window.open = function (u) { window.opened.push(u); return null; };"
        + "window.printed = 0; window.print = function () { window.printed++; };");

    List<String> networks = List.of("telegram", "twitter", "facebook", "whatsapp", "copy", "print");
    for (String network : networks) {
      browser.driver.findElement(By.cssSelector("button.share[data-network='" + network + "']")).click();
    }
    browser.driver.findElement(By.id("like")).click();

    JsonObject shares = Eventually.await("six shares counted", () -> running.article(id).getJsonObject("shares"),
        s -> s.getLong("total") == 6);
    for (String network : networks) {
      assertThat(shares.getLong(network)).as(network).isEqualTo(1);
    }
    @SuppressWarnings("unchecked")
    List<String> opened = (List<String>) browser.js("return window.opened");
    String page = URLEncoder.encode(pageUrl(id), StandardCharsets.UTF_8);
    assertThat(opened).hasSize(4);
    assertThat(opened.get(0)).startsWith("https://t.me/share/url?url=" + page);
    assertThat(opened.get(1)).startsWith("https://twitter.com/intent/tweet?url=" + page);
    assertThat(opened.get(2)).isEqualTo("https://www.facebook.com/sharer/sharer.php?u=" + page);
    assertThat(opened.get(3)).startsWith("https://wa.me/?text=").contains(page);
    assertThat(browser.js("return window.printed")).isEqualTo(1L);

    awaitShown(browser, "shares", "6");
    awaitShown(browser, "likes", "1");
    Path png = browser.screenshot("demo-article");
    assertThat(Files.size(png)).isGreaterThan(10_000);
  }

  @Test
  void aSecondBrowserProfileIsANewVisitor() {
    String id = article("visitors");
    browser.open(pageUrl(id));
    awaitShown(browser, "views", "1");

    try (Browser other = new Browser()) {
      other.open(pageUrl(id));
      awaitShown(other, "views", "2");
      String first = (String) browser.js("return localStorage.getItem('engagement.vid')");
      String second = (String) other.js("return localStorage.getItem('engagement.vid')");
      assertThat(first).matches("[A-Za-z0-9_-]{8,64}");
      assertThat(second).matches("[A-Za-z0-9_-]{8,64}").isNotEqualTo(first);
    }
    JsonObject stats = running.article(id);
    assertThat(stats.getLong("views")).isEqualTo(2);
    assertThat(stats.getLong("uniques")).isEqualTo(2);
  }

  @Test
  void backForwardCacheRestoreSendsAViewAgain() {
    String id = article("bfcache");
    browser.open(pageUrl(id));
    awaitShown(browser, "views", "1");
    browser.js("window.restoredMarker = 'still here';");
    double received = received("view");

    browser.open(base() + "/editor");
    browser.driver.navigate().back();

    // The marker survives only when the page came back from the back-forward cache, not a fresh load.
    browser.await("the page restored", d -> browser.js("return window.restoredMarker") != null);
    Eventually.await("a view sent on restore", () -> received("view") - received, n -> n == 1);
    assertThat(running.article(id).getLong("views")).isEqualTo(1);
  }

  @Test
  void trackerOnAnotherSiteWorksWithoutLocalStorageAndTakesTheIdFromTheMetaTag() {
    String id = "news/2026:" + article("embedded");
    String host = "<!doctype html><meta name='article-id' content='" + id + "'><p>Views: <b data-engagement='views'>-</b>"
        + "<script>window.errors = []; window.onerror = function (m) { window.errors.push(String(m)); };</script>"
        + "<script async src='" + base() + "/tracker.js'></script>";
    HttpServer site = RunningService.await(running.vertx.createHttpServer()
        .requestHandler(req -> req.response().putHeader("Content-Type", "text/html").end(host))
        .listen(sitePort, "127.0.0.1"));
    try (Browser reader = new Browser()) {
      // Storage blocked (private modes, strict privacy settings): the script goes on without a vid.
      reader.driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
          "Object.defineProperty(window, 'localStorage', {get: function () { throw new Error('storage blocked'); }});"));
      reader.open("http://127.0.0.1:" + sitePort + "/news/story");

      Eventually.await("the view counted", () -> stats(id).getLong("views"), v -> v == 1);
      // Filled across origins: the service answers CORS for the site's origin.
      awaitShown(reader, "views", "1");
      reader.await("the script loaded", d -> reader.js("return window.engagement && window.engagement.article") != null);
      reader.js("window.engagement.share('not-a-network'); window.engagement.like();");
      Eventually.await("the like counted", () -> stats(id).getLong("likes"), v -> v == 1);
      assertThat(reader.js("return window.engagement.article")).isEqualTo(id);
      assertThat((List<?>) reader.js("return window.errors")).isEmpty();
    } finally {
      RunningService.await(site.close());
    }
  }

  /** Stats through ?ids=, which carries any valid id (the path form cannot carry a '/'). */
  private static JsonObject stats(String id) {
    running.awaitApplied();
    return running.get("/v1/articles?ids=" + URLEncoder.encode(id, StandardCharsets.UTF_8))
        .bodyAsJsonObject().getJsonArray("articles").getJsonObject(0);
  }

  private static String likeButton() {
    return (String) browser.js("var b = document.getElementById('like');"
        + "return b.getAttribute('aria-pressed') + ' ' + b.querySelector('.label').textContent");
  }

  private static void awaitLikes(String id, long expected) {
    Eventually.await(expected + " likes counted", () -> running.article(id).getLong("likes"), n -> n == expected);
  }

  private static void awaitShown(Browser b, String field, String expected) {
    b.await("the page shows " + field + " = " + expected,
        d -> expected.equals(d.findElement(By.cssSelector("[data-engagement='" + field + "']")).getText()));
  }

  private static double received(String type) {
    return running.registry.counter(EngagementMetrics.RECEIVED, "type", type).count();
  }

  private static double duplicates() {
    return running.registry.counter(EngagementMetrics.DROPPED, "reason", "duplicate").count();
  }

  private static String base() {
    return "http://127.0.0.1:" + running.port();
  }

  private static String pageUrl(String id) {
    return base() + "/demo/article?id=" + id;
  }

  private static String article(String what) {
    return "pages-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
