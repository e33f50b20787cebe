package news.engagement.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import news.engagement.presence.Presence;
import news.engagement.testing.Browser;
import news.engagement.testing.MutableClock;
import news.engagement.testing.RunningService;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * Two Chromium profiles (two visitors) on one article: reading now 2 while both pages are open, then 0
 * once both have been silent for 60 s on the service's clock, a test clock moved by hand (no 60 s
 * sleep). The readers do not touch their pages, so after its view a page sends nothing (an idle reader
 * does not ping: {@link PingBrowserTest}); each page records its beacons to show that the silence is real.
 */
class ReadingNowBrowserTest {
  private static final int REDIS_DB = 12;
  private static final String TOKEN = "reading-now-browser-" + UUID.randomUUID();
  /** Before any page script: every beacon the page sends is also kept in window.__sent. */
  private static final String RECORD = "(function(){var sb=navigator.sendBeacon.bind(navigator);window.__sent=[];"
      + "navigator.sendBeacon=function(u,p){window.__sent.push(String(p));return sb(u,p)};})();";

  @Test
  void twoProfilesReadNowThenNoneAfterSixtySecondsOfSilence() {
    MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    String article = "two-readers-" + UUID.randomUUID().toString().substring(0, 8);
    try (RunningService running = RunningService.start(REDIS_DB, clock, Map.of("EDITOR_TOKEN", TOKEN,
        "PRESENCE_INTERVAL", "10ms"));
         Browser first = new Browser();
         Browser second = new Browser()) {
      String page = "http://127.0.0.1:" + running.port() + "/demo/article?id=" + article;
      for (Browser reader : List.of(first, second)) {
        reader.driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", RECORD));
      }
      first.open(page);
      awaitViews(first, "1");
      second.open(page);
      awaitViews(second, "2");

      Eventually.await("two readers now", () -> readersNow(running, article), n -> n == 2);
      clock.advance(Duration.ofSeconds(59));
      assertThat(readersNow(running, article)).as("both seen 59 s ago").isEqualTo(2);
      clock.advance(Duration.ofSeconds(2));
      assertThat(readersNow(running, article)).as("both silent for 61 s").isZero();
      assertThat(now(running).getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("article")))
          .doesNotContain(article);
      for (Browser reader : List.of(first, second)) {
        assertThat(reader.js("return window.__sent.map(function (b) { var e = JSON.parse(b);"
            + " return (Array.isArray(e) ? e : [e]).map(function (x) { return x.type; }).join(','); })"))
            .as("the beacons of an idle page: its view, nothing after it").isEqualTo(List.of("view"));
      }
    }
  }

  private static void awaitViews(Browser reader, String views) {
    reader.await("the page shows views = " + views,
        d -> views.equals(d.findElement(By.cssSelector("[data-engagement='views']")).getText()));
  }

  /** The article's readers now as the editor sees them (0 when it is not in the list). */
  private static long readersNow(RunningService running, String article) {
    Eventually.await("presence written", () -> running.service.room(Presence.class).written(), done -> done);
    return now(running).getJsonArray("items").stream().map(o -> (JsonObject) o)
        .filter(i -> article.equals(i.getString("article"))).mapToLong(i -> i.getLong("readers")).sum();
  }

  private static JsonObject now(RunningService running) {
    return RunningService.await(running.client.get("/v1/editor/now?limit=100")
        .putHeader("Authorization", "Bearer " + TOKEN).send()).bodyAsJsonObject();
  }
}
