package news.engagement.presence;

import static news.engagement.testing.RunningService.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.List;
import news.engagement.testing.RunningService;

/** Pings and views sent to a running service, and its presence read back (the presence tests' helpers). */
final class PresenceTraffic {
  private PresenceTraffic() {
  }

  static JsonObject view(String article, String vid) {
    return new JsonObject().put("type", "view").put("article", article).put("vid", vid);
  }

  static JsonObject ping(String article, String vid, int engaged, int depth) {
    return new JsonObject().put("type", "ping").put("article", article).put("vid", vid).put("engaged", engaged)
        .put("depth", depth);
  }

  /** Posts the events; all must be accepted. */
  static void post(RunningService service, List<?> events, String userAgent) {
    HttpResponse<Buffer> response = service.postEvents(new JsonArray(List.copyOf(events)).encode(), userAgent);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
    assertThat(response.bodyAsJsonObject().getJsonArray("rejected")).isEmpty();
  }

  /** Waits (deadline 20 s) until the counting batch and the presence writer hold nothing unwritten. */
  static void awaitWritten(RunningService service) {
    service.awaitApplied();
    Presence presence = service.service.room(Presence.class);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!presence.written()) {
      assertThat(System.nanoTime()).as("presence written within 20 s").isLessThan(deadline);
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  /** An editor API answer that must be 200. */
  static JsonObject editor(RunningService service, String token, String path) {
    HttpResponse<Buffer> response = await(service.client.get(path).putHeader("Authorization", "Bearer " + token)
        .send());
    assertThat(response.statusCode()).as(path + ": " + response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }
}
