package news.engagement.web;

import static org.assertj.core.api.Assertions.assertThat;

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
 * The demo page against a service with its read cache on at the defaults (1 s ttl, 4 s max-stale) and
 * a browser that caches counts: the reader's own like still shows, because the page revalidates after
 * it, and a reload shows it too.
 */
class CachedCountsBrowserTest {
  private static final int REDIS_DB = 12;
  private static RunningService running;
  private static Browser browser;

  @BeforeAll
  static void start() {
    running = RunningService.start(REDIS_DB, Clock.systemUTC(), Map.of("READ_CACHE_TTL", "1s",
        "READ_CACHE_MAX_STALE", "4s"));
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
  void theReadersOwnLikeShowsThoughCountsAreCached() {
    String id = "cached-" + UUID.randomUUID().toString().substring(0, 8);
    browser.open("http://127.0.0.1:" + running.port() + "/demo/article?id=" + id);
    awaitShown("views", "1");
    awaitShown("likes", "0");

    browser.driver.findElement(By.id("like")).click();
    Eventually.await("the like counted", () -> running.registry
        .counter(EngagementMetrics.COUNTED, "type", "like").count(), n -> n >= 1);
    awaitShown("likes", "1");

    browser.driver.navigate().refresh();
    awaitShown("views", "1");
    awaitShown("likes", "1");
    assertThat(running.registry.get(EngagementMetrics.READ_CACHE_LOADS).tag("cache", "articles").counter().count())
        .isPositive();
  }

  private static void awaitShown(String field, String expected) {
    browser.await("the page shows " + field + " = " + expected,
        d -> expected.equals(d.findElement(By.cssSelector("[data-engagement='" + field + "']")).getText()));
  }
}
