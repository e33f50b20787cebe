package news.engagement.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import news.engagement.testing.Browser;
import news.engagement.testing.RunningService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The index page and the demo article in Debian's headless Chromium, on a desktop and on a 390 px wide
 * phone: nothing scrolls sideways. Screenshots go to target/screenshots/ (copies in docs/screenshots/).
 */
class PhoneWidthBrowserTest {
  /** Shared with PagesTest: the articles here have ids of their own and nothing reads global lists. */
  private static final int REDIS_DB = 11;
  /** A common phone's CSS width (iPhone 12 to 15). */
  private static final int PHONE_WIDTH = 390;
  private static final int PHONE_HEIGHT = 844;
  private static RunningService running;
  private Browser browser;

  @BeforeAll
  static void start() {
    running = RunningService.start(REDIS_DB, Clock.systemUTC(), Map.of("EDITOR_TOKEN", "phone-width-token"));
  }

  @AfterAll
  static void stop() {
    running.close();
  }

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void theIndexPageLinksTheDemoAndTheDesk() {
    browser = new Browser();
    browser.open(base() + "/");

    assertThat(browser.driver.getTitle()).isEqualTo("Engagement service");
    assertThat(browser.driver.findElement(By.id("editor-status")).getText()).startsWith("On:");
    assertThat(browser.horizontalOverflow()).isZero();
    screenshot("index");

    browser.driver.findElement(By.id("demo-link")).click();
    browser.await("the demo article opened", d -> d.getCurrentUrl().endsWith("/demo/article"));
    browser.driver.navigate().back();
    browser.driver.findElement(By.id("editor-link")).click();
    browser.await("the editor desk opened", d -> d.getTitle().startsWith("Editor desk"));
  }

  @Test
  void theIndexPageFitsAPhone() {
    browser = new Browser();
    browser.viewport(PHONE_WIDTH, PHONE_HEIGHT, true);
    browser.open(base() + "/");

    assertThat(browser.js("return document.documentElement.clientWidth")).isEqualTo((long) PHONE_WIDTH);
    assertThat(browser.horizontalOverflow()).as("px the index page is wider than the phone").isZero();
    screenshot("index-390");
  }

  @Test
  void theDemoArticleFitsAPhoneSectionNavigationIncluded() {
    browser = new Browser();
    browser.viewport(PHONE_WIDTH, PHONE_HEIGHT, true);
    browser.open(base() + "/demo/article?id=phone-" + UUID.randomUUID().toString().substring(0, 8));
    browser.await("the view count shown", d -> d.findElement(By.id("views")).getText().equals("1"));

    assertThat(browser.js("return document.documentElement.clientWidth")).isEqualTo((long) PHONE_WIDTH);
    assertThat(browser.horizontalOverflow()).as("px the demo article is wider than the phone").isZero();
    long navRight = (Long) browser.js("return Math.ceil(document.querySelector('.masthead nav')"
        + ".getBoundingClientRect().right)");
    assertThat(navRight).as("the section navigation's right edge").isLessThanOrEqualTo(PHONE_WIDTH);
    screenshot("demo-article-390");
  }

  private void screenshot(String name) {
    Path png = browser.screenshot(name);
    try {
      assertThat(Files.size(png)).isGreaterThan(10_000);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String base() {
    return "http://127.0.0.1:" + running.port();
  }
}
