package news.engagement.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.StringJoiner;
import java.util.UUID;
import news.engagement.testing.MutableClock;
import news.engagement.testing.RunningService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every class of bad input gets a clear 4xx, and what was valid in it still counts. */
class BadInputTest {
  private static final int DB = 14;
  private static RunningService service;

  @BeforeAll
  static void start() {
    service = RunningService.start(DB, MutableClock.at("2026-11-24T11:00:00Z"), Map.of());
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  private static String article() {
    return "bad-input-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static HttpResponse<Buffer> post(Buffer body, String contentType) {
    return RunningService.await(service.client.post("/v1/events").putHeader("Content-Type", contentType)
        .sendBuffer(body));
  }

  private static void assertError(HttpResponse<Buffer> response, int status, String error) {
    assertThat(response.statusCode()).isEqualTo(status);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("error")).isEqualTo(error);
    assertThat(body.getString("message")).isNotBlank();
  }

  @Test
  void brokenJsonEmptyBodiesAndWrongShapesAre400() {
    assertError(post(Buffer.buffer("{\"type\":\"view\","), "application/json"), 400, "invalid_json");
    assertError(post(Buffer.buffer(""), "application/json"), 400, "empty_body");
    assertError(post(Buffer.buffer("\"view\""), "text/plain"), 400, "invalid_shape");
    assertError(post(Buffer.buffer("42"), "text/plain"), 400, "invalid_shape");
    assertError(post(Buffer.buffer("{\"events\": {\"type\":\"view\"}}"), "text/plain"), 400, "invalid_shape");
    assertError(post(Buffer.buffer("[]"), "application/json"), 400, "no_events");
    assertError(post(Buffer.buffer("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]"), "application/json"), 400, "invalid_json");
  }

  @Test
  void binaryJunkIs400() {
    byte[] junk = new byte[4096];
    new Random(7).nextBytes(junk);
    assertError(post(Buffer.buffer(junk), "application/octet-stream"), 400, "invalid_json");
    assertError(post(Buffer.buffer(junk), "application/json"), 400, "invalid_json");
  }

  @Test
  void overLimitsIs413() {
    StringJoiner many = new StringJoiner(",", "[", "]");
    for (int i = 0; i < 101; i++) {
      many.add("{\"type\":\"view\",\"article\":\"a" + i + "\"}");
    }
    assertError(post(Buffer.buffer(many.toString()), "application/json"), 413, "too_many_events");
    Buffer huge = Buffer.buffer("[\"" + "x".repeat(70_000) + "\"]");
    assertError(post(huge, "application/json"), 413, "body_too_large");
  }

  @Test
  void invalidEventsAreRejectedByIndexWhileTheRestCount() {
    String a = article();
    String body = "{\"events\":["
        + "{\"type\":\"view\",\"article\":\"" + a + "\"},"
        + "{\"type\":\"vieww\",\"article\":\"" + a + "\"},"
        + "{\"type\":\"share\",\"article\":\"" + a + "\",\"network\":\"telegram\"},"
        + "{\"type\":\"share\",\"article\":\"" + a + "\",\"network\":\"myspace\"},"
        + "\"not an object\","
        + "{\"type\":\"like\",\"article\":\"bad id!\"}]}";
    HttpResponse<Buffer> response = post(Buffer.buffer(body), "text/plain;charset=UTF-8");
    assertThat(response.statusCode()).isEqualTo(202);
    JsonObject json = response.bodyAsJsonObject();
    assertThat(json.getInteger("accepted")).isEqualTo(2);
    JsonArray rejected = json.getJsonArray("rejected");
    assertThat(rejected.stream().map(r -> ((JsonObject) r).getInteger("index"))).containsExactly(1, 3, 4, 5);
    assertThat(rejected.stream().map(r -> ((JsonObject) r).getString("error")))
        .containsExactly("invalid_type", "invalid_network", "invalid_event", "invalid_article");
    JsonObject stats = service.article(a);
    assertThat(stats.getLong("views")).isEqualTo(1);
    assertThat(stats.getJsonObject("shares").getLong("telegram")).isEqualTo(1);
  }

  @Test
  void nothingValidIs400WithTheReasons() {
    HttpResponse<Buffer> response = post(Buffer.buffer("[{\"type\":\"view\"},{\"type\":\"like\",\"article\":\"a\",\"vid\":\"x\"}]"),
        "application/json");
    assertError(response, 400, "no_valid_events");
    assertThat(response.bodyAsJsonObject().getJsonArray("rejected")).hasSize(2);
  }

  @Test
  void thePixelIsAlwaysTheGif() {
    for (String query : new String[] {"?article=pixel-" + article() + "&type=view", "", "?article=%00%FF&type=view",
        "?article=" + "a".repeat(500), "?type=like&article=x", "?article=a&vid=bad%20vid", "?article=%zz", "?article=a&article=b"}) {
      HttpResponse<Buffer> response = service.get("/v1/pixel.gif" + query);
      assertThat(response.statusCode()).as(query).isEqualTo(200);
      assertThat(response.getHeader("Content-Type")).isEqualTo("image/gif");
      assertThat(response.getHeader("Cache-Control")).contains("no-store");
      assertThat(response.body().length()).isEqualTo(43);
      assertThat(response.body().getString(0, 6)).isEqualTo("GIF89a");
    }
  }

  @Test
  void thePixelCountsAView() {
    String a = article();
    service.get("/v1/pixel.gif?article=" + a + "&type=view");
    service.get("/v1/pixel.gif?article=" + a); // the same visitor again: a duplicate
    assertThat(service.article(a).getLong("views")).isEqualTo(1);
  }

  @Test
  void badArticleQueriesAre400() {
    assertError(service.get("/v1/articles/bad%20id"), 400, "invalid_article");
    assertError(service.get("/v1/articles"), 400, "missing_ids");
    StringJoiner ids = new StringJoiner(",");
    for (int i = 0; i < 101; i++) {
      ids.add("id" + i);
    }
    assertError(service.get("/v1/articles?ids=" + ids), 400, "too_many_ids");
    assertError(service.get("/v1/articles?ids=ok,-bad"), 400, "invalid_article");
    assertError(service.get("/v1/nothing-here"), 404, "not_found");
  }

  @Test
  void tenThousandDistinctJunkArticleIdsNeitherCrashNorStall() {
    for (int batch = 0; batch < 100; batch++) {
      StringJoiner events = new StringJoiner(",", "[", "]");
      for (int i = 0; i < 100; i++) {
        events.add("{\"type\":\"view\",\"article\":\"junk-" + UUID.randomUUID() + "\"}");
      }
      assertThat(post(Buffer.buffer(events.toString()), "application/json").statusCode()).isEqualTo(202);
    }
    String a = article();
    post(Buffer.buffer("{\"type\":\"view\",\"article\":\"" + a + "\"}"), "application/json");
    assertThat(service.article(a).getLong("views")).isEqualTo(1);
  }

  @Test
  void hugeHeadersAndSlowClientsDoNotHurtOthers() throws Exception {
    // A client of its own: the server closes the connection after 431, which must not reach the shared pool.
    WebClient once = WebClient.create(service.vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(service.port()));
    try {
      HttpResponse<Buffer> huge = RunningService.await(once.get("/v1/articles/a")
          .putHeader("X-Junk", "j".repeat(40_000)).send());
      assertThat(huge.statusCode()).isEqualTo(431);
    } finally {
      once.close();
    }

    // A slowloris client holding a half-sent request open must not stall anyone else.
    try (Socket slow = new Socket("127.0.0.1", service.port())) {
      OutputStream out = slow.getOutputStream();
      out.write("POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{\"type\":".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String a = article();
      assertThat(post(Buffer.buffer("{\"type\":\"view\",\"article\":\"" + a + "\"}"), "application/json").statusCode())
          .isEqualTo(202);
      assertThat(service.article(a).getLong("views")).isEqualTo(1);
      // and a body over the limit is refused without waiting for it to finish
      InputStream in = slow.getInputStream();
      slow.setSoTimeout((int) Duration.ofSeconds(5).toMillis());
      out.write("x".repeat(70_000).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(status).isEqualTo("HTTP/1.1 413");
    }
  }
}
