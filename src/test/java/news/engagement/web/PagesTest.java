package news.engagement.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import news.engagement.testing.RunningService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pages and the page script over plain HTTP: headers, size, templating, bad input, the noscript pixel. */
class PagesTest {
  private static final int REDIS_DB = 11;
  private static final String NEWS_SITE = "https://news.example";
  private static RunningService running;

  @BeforeAll
  static void start() {
    running = RunningService.start(REDIS_DB, Clock.systemUTC(), Map.of(
        "CORS_ORIGINS", NEWS_SITE));
  }

  @AfterAll
  static void stop() {
    running.close();
  }

  @Test
  void trackerIsSmallCacheableJavaScript() {
    HttpResponse<Buffer> response = running.get("/tracker.js");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
    assertThat(response.getHeader("Cache-Control")).isEqualTo("public, max-age=300");
    assertThat(response.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
    // The SPEC's budget: under 3 KB as served, pings included (the file is hand-minified; no build step).
    assertThat(response.body().length()).isLessThan(3072);
    String script = response.bodyAsString();
    assertThat(script).contains("sendBeacon", "keepalive", "pageshow", "persisted", "data-engagement",
        "pagehide", "visibilityState", "data-engagement-body");
    // Counts may come from the browser's or a CDN's cache (SPEC "Reads under load"); only revalidated.
    assertThat(script).doesNotContain("no-store").contains("no-cache");
  }

  @Test
  void demoArticleCarriesTheChosenIdInScriptTagMetaAndPixel() {
    String id = "pages/demo:" + UUID.randomUUID();
    HttpResponse<Buffer> response = running.get("/demo/article?id=" + id);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).isEqualTo("text/html; charset=utf-8");
    assertThat(response.getHeader("Content-Security-Policy")).contains("default-src 'self'");
    String html = response.bodyAsString();
    assertThat(html).contains("<script src=\"/tracker.js\" data-article=\"" + id + "\"");
    assertThat(html).contains("<meta name=\"article-id\" content=\"" + id + "\">");
    assertThat(html).contains("<noscript><img src=\"/v1/pixel.gif?article=pages%2Fdemo%3A" + id.substring(11)
        + "&amp;type=view\"");
    assertThat(html).doesNotContain("{{");
  }

  @Test
  void demoArticleWithoutIdShowsTheDefaultArticle() {
    String html = running.get("/demo/article").bodyAsString();

    assertThat(html).contains("data-article=\"" + Pages.DEMO_ARTICLE + "\"");
  }

  @Test
  void demoArticleRefusesAnIdThatCouldNeverCount() {
    HttpResponse<Buffer> response = running.get("/demo/article?id=%3Cscript%3E");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("error")).isEqualTo("invalid_article");
    assertThat(response.bodyAsString()).doesNotContain("<script>");
  }

  @Test
  void noscriptPixelOfTheDemoPageCountsAView() {
    String id = "pages-pixel-" + UUID.randomUUID();
    String html = running.get("/demo/article?id=" + id).bodyAsString();
    Matcher pixel = Pattern.compile("<noscript><img src=\"([^\"]+)\"").matcher(html);
    assertThat(pixel.find()).isTrue();

    HttpResponse<Buffer> gif = running.get(pixel.group(1).replace("&amp;", "&"));

    assertThat(gif.statusCode()).isEqualTo(200);
    assertThat(gif.getHeader("Content-Type")).isEqualTo("image/gif");
    assertThat(running.article(id).getLong("views")).isEqualTo(1);
  }

  @Test
  void eventsFromTheServicesOwnPagesPassTheCorsCheckLikeThoseOfConfiguredSites() {
    String id = "pages-origin-" + UUID.randomUUID();
    String event = "{\"type\":\"view\",\"article\":\"" + id + "\"}";

    int own = postFrom("http://127.0.0.1:" + running.port(), event);
    int site = postFrom(NEWS_SITE, event);
    int stranger = postFrom("https://elsewhere.example", event);

    assertThat(own).isEqualTo(202);
    assertThat(site).isEqualTo(202);
    assertThat(stranger).isEqualTo(403);
  }

  @Test
  void theFastLanesAnswerCorsAsTheRoutersCorsHandlerDoes() {
    // /v1/top always goes through the router's CorsHandler; an article's counts and the beacon take the
    // fast lanes (web/Front) when they are plain, the router otherwise (here: a query to decode).
    HttpResponse<Buffer> routed = getFrom(NEWS_SITE, "/v1/top?window=1h");
    HttpResponse<Buffer> fastRead = getFrom(NEWS_SITE, "/v1/articles/cors-a");
    HttpResponse<Buffer> fastList = getFrom(NEWS_SITE, "/v1/articles?ids=cors-a,cors-b");
    HttpResponse<Buffer> routedRead = getFrom(NEWS_SITE, "/v1/articles/cors-a?x=1");
    HttpResponse<Buffer> fastPost = RunningService.await(running.client.post("/v1/events").putHeader("Origin", NEWS_SITE)
        .putHeader("Content-Type", "text/plain").sendBuffer(Buffer.buffer("{\"type\":\"view\",\"article\":\"cors-a\"}")));

    assertThat(routed.getHeader("Access-Control-Allow-Origin")).isEqualTo(NEWS_SITE);
    for (HttpResponse<Buffer> lane : List.of(fastRead, fastList, routedRead, fastPost)) {
      assertThat(lane.statusCode()).isIn(200, 202);
      assertThat(lane.getHeader("Access-Control-Allow-Origin")).isEqualTo(routed.getHeader("Access-Control-Allow-Origin"));
      assertThat(lane.headers().getAll("Vary")).isEqualTo(routed.headers().getAll("Vary"));
    }
    for (String path : new String[] {"/v1/articles/cors-a", "/v1/articles?ids=cors-a", "/v1/top?window=1h"}) {
      assertThat(getFrom("https://elsewhere.example", path).statusCode()).as(path).isEqualTo(403);
    }
    assertThat(getFrom(null, "/v1/articles/cors-a").getHeader("Access-Control-Allow-Origin")).isNull();
  }

  private static HttpResponse<Buffer> getFrom(String origin, String path) {
    var request = running.client.get(path);
    if (origin != null) {
      request.putHeader("Origin", origin);
    }
    return RunningService.await(request.send());
  }

  private static int postFrom(String origin, String body) {
    return RunningService.await(running.client.post("/v1/events").putHeader("Origin", origin)
        .putHeader("Content-Type", "text/plain").sendBuffer(Buffer.buffer(body))).statusCode();
  }

  @Test
  void editorPageAndItsAssetsAreServedWithoutTheToken() {
    HttpResponse<Buffer> page = running.get("/editor");
    HttpResponse<Buffer> script = running.get("/editor/editor.js");
    HttpResponse<Buffer> style = running.get("/editor/editor.css");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.getHeader("Cache-Control")).isEqualTo("no-store");
    assertThat(page.getHeader("Content-Security-Policy")).contains("connect-src 'self'");
    assertThat(page.bodyAsString()).contains("id=\"login-form\"", "src=\"/editor/editor.js\"");
    assertThat(script.getHeader("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
    assertThat(style.getHeader("Content-Type")).isEqualTo("text/css; charset=utf-8");
    // Nothing on the editor page reaches outside this service.
    assertThat(new String(page.body().getBytes(), StandardCharsets.UTF_8)).doesNotContain("src=\"http", "href=\"http", "//");
    assertThat(script.bodyAsString() + style.bodyAsString()).doesNotContain("https://", "url(");
  }
}
