package news.engagement.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestStores;

/** Sending events and reading lists through HTTP, for the tests of this package. */
final class Traffic {
  private Traffic() {
  }

  static JsonObject view(String article, String vid) {
    return new JsonObject().put("type", "view").put("article", article).put("vid", vid);
  }

  static JsonObject like(String article, String vid) {
    return new JsonObject().put("type", "like").put("article", article).put("vid", vid);
  }

  static JsonObject unlike(String article, String vid) {
    return new JsonObject().put("type", "unlike").put("article", article).put("vid", vid);
  }

  static JsonObject share(String article, String vid, String network) {
    return new JsonObject().put("type", "share").put("article", article).put("vid", vid).put("network", network);
  }

  /** {@code n} views of {@code article}, each by a new visitor whose vid starts with {@code prefix}. */
  static List<JsonObject> views(String article, String prefix, int n) {
    List<JsonObject> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      events.add(view(article, vid(prefix, i)));
    }
    return events;
  }

  static String vid(String prefix, int i) {
    return "visitor-" + prefix + "-" + i;
  }

  /** Posts the events in requests of 100, checks every one was accepted, waits until Redis has them. */
  static void send(RunningService service, List<JsonObject> events) {
    for (int from = 0; from < events.size(); from += 100) {
      List<JsonObject> chunk = events.subList(from, Math.min(events.size(), from + 100));
      HttpResponse<Buffer> response = service.postEvents(new JsonArray(new ArrayList<>(chunk)).encode(),
          RunningService.BROWSER_UA);
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
      assertThat(response.bodyAsJsonObject().getInteger("accepted")).as(response.bodyAsString())
          .isEqualTo(chunk.size());
    }
    service.awaitApplied();
  }

  /** GET {@code /v1/top?...}, expecting 200; returns the items as article -> value, in answer order. */
  static Map<String, Long> top(RunningService service, String query) {
    HttpResponse<Buffer> response = service.get("/v1/top?" + query);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return items(response.bodyAsJsonObject());
  }

  static Map<String, Long> items(JsonObject body) {
    Map<String, Long> items = new LinkedHashMap<>();
    for (Object o : body.getJsonArray("items")) {
      JsonObject item = (JsonObject) o;
      items.put(item.getString("article"), item.getLong("value"));
    }
    return items;
  }

  static Map<String, Long> ordered(Object... articleValuePairs) {
    Map<String, Long> map = new LinkedHashMap<>();
    for (int i = 0; i < articleValuePairs.length; i += 2) {
      map.put((String) articleValuePairs[i], ((Number) articleValuePairs[i + 1]).longValue());
    }
    return map;
  }

  /** Empties a test class's own Redis database, so top lists hold only that test's articles. */
  static void flush(int database) {
    TestStores.flush(database);
  }
}
