package news.engagement.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import news.engagement.metrics.EngagementMetrics;
import news.engagement.presence.Presence;
import news.engagement.testing.Browser;
import news.engagement.testing.RunningService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The page script's pings in Debian's headless Chromium. Time runs 20 times faster in the page (an init
 * script scales Date.now and setInterval), so a 15 s ping interval takes 0.75 s; every beacon the page
 * sends is also recorded in {@code window.__sent}, and {@code window.__intervals} counts timers started.
 */
class PingBrowserTest {
  private static final int REDIS_DB = 12;
  private static final String TOKEN = "ping-browser-token";
  /** Before any page script: fast time, recorded beacons, and a hidden tab when the URL asks for one. */
  private static final String INIT = "(function(){var k=20,r=Date.now.bind(Date),t0=r(),si=setInterval.bind(window);"
      + "window.__si=si;window.__intervals=0;Date.now=function(){return t0+(r()-t0)*k};"
      + "window.setInterval=function(f,ms){window.__intervals++;return si(f,ms/k)};"
      + "var sb=navigator.sendBeacon.bind(navigator);window.__sent=[];"
      + "navigator.sendBeacon=function(u,p){window.__sent.push(JSON.parse(p));return sb(u,p)};"
      + "if(location.hash=='#hidden'){Object.defineProperty(document,'visibilityState',{get:function(){return 'hidden'}});"
      + "Object.defineProperty(document,'hidden',{get:function(){return true}})}})();";
  /** A reader who keeps moving: a pointer event every 100 ms of real time (2 s of page time). */
  private static final String ACTIVE = "window.__si(function(){window.dispatchEvent(new Event('pointermove'))},100)";

  private static RunningService running;
  private static Browser browser;

  @BeforeAll
  static void start() {
    running = RunningService.start(REDIS_DB, Clock.systemUTC(), Map.of("EDITOR_TOKEN", TOKEN,
        "PRESENCE_INTERVAL", "10ms"));
    browser = new Browser();
    browser.driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", INIT));
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
  void aVisibleActivePagePingsAndEngagedTimeGrows() {
    String id = article("active");
    browser.open(pageUrl(id));
    browser.js(ACTIVE);

    browser.await("two pings sent", d -> pings().size() >= 2);
    List<JsonObject> pings = pings();
    assertThat(pings.get(0).getInteger("engaged")).isBetween(1, 15);
    assertThat(pings.get(0).getString("article")).isEqualTo(id);
    Eventually.await("engaged time in the editor's view", () -> engagedSeconds(id), s -> s > 0);
    Eventually.await("one reader now", () -> readersNow(id), n -> n == 1);
  }

  @Test
  void aHiddenTabStartsNoTimerAndDoesNotPing() throws Exception {
    String id = article("hidden");
    browser.open(pageUrl(id) + "#hidden");
    browser.js(ACTIVE);
    Thread.sleep(2_000); // 40 s of page time

    assertThat(browser.js("return window.__intervals")).isEqualTo(0L);
    assertThat(pings()).isEmpty();
  }

  @Test
  void anIdleReaderDoesNotPing() throws Exception {
    String id = article("idle");
    browser.open(pageUrl(id));
    Thread.sleep(2_000); // 40 s of page time, nobody moves

    assertThat(pings()).isEmpty();
  }

  @Test
  void scrollingToTheEndGivesDepth100() {
    String id = article("depth");
    browser.open(pageUrl(id));
    browser.js("window.scrollTo(0, document.documentElement.scrollHeight)");
    browser.js(ACTIVE);
    browser.await("a ping sent", d -> !pings().isEmpty());
    assertThat(pings().get(0).getInteger("depth")).isEqualTo(100);
  }

  @Test
  void pagehideSendsWhatIsLeft() throws Exception {
    String id = article("pagehide");
    browser.open(pageUrl(id));
    double before = received();
    browser.js("window.dispatchEvent(new Event('keydown'))");
    Thread.sleep(200); // about 4 s of active page time
    int sent = pings().size();

    browser.open("about:blank"); // pagehide: what is left goes with a beacon
    Eventually.await("the pagehide ping received", PingBrowserTest::received, n -> n - before > sent);
    Eventually.await("its engaged seconds counted", () -> engagedSeconds(id), s -> s > 0);
  }

  @SuppressWarnings("unchecked")
  private static List<JsonObject> pings() {
    List<Object> sent = (List<Object>) browser.js("return window.__sent || []");
    return sent.stream().map(o -> new JsonObject((Map<String, Object>) o))
        .filter(e -> "ping".equals(e.getString("type"))).toList();
  }

  private static long engagedSeconds(String id) {
    JsonObject now = editorNow();
    return now.getJsonArray("items").stream().map(o -> (JsonObject) o).filter(i -> id.equals(i.getString("article")))
        .mapToLong(i -> i.getLong("engagedSeconds")).sum();
  }

  private static long readersNow(String id) {
    return RunningService.await(running.service.room(Presence.class).readers()
        .article(id, running.vertx.getOrCreateContext()));
  }

  private static JsonObject editorNow() {
    return RunningService.await(running.client.get("/v1/editor/now?limit=100")
        .putHeader("Authorization", "Bearer " + TOKEN).send()).bodyAsJsonObject();
  }

  private static double received() {
    return running.registry.counter(EngagementMetrics.RECEIVED, "type", "ping").count();
  }

  private static String pageUrl(String id) {
    return "http://127.0.0.1:" + running.port() + "/demo/article?id=" + id;
  }

  private static String article(String what) {
    return "ping-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
