package news.engagement.ingest;

import static news.engagement.testing.RunningService.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import java.util.UUID;
import news.engagement.testing.MutableClock;
import news.engagement.testing.RunningService;
import org.junit.jupiter.api.Test;

/**
 * Behind a trusted proxy the client is the right-most untrusted X-Forwarded-For address, also when
 * the header comes as several lines; the rate limiter sees that client, and an IPv6 /64 as one.
 */
class ForwardedForTest {
  private static final int DB = 15;
  private static final int LIMIT = 3;

  @Test
  void aSecondHeaderLineIsReadSoTheClientCannotPickItsAddress() {
    try (RunningService service = start()) {
      String a = "xff-" + UUID.randomUUID().toString().substring(0, 8);
      int accepted = 0;
      for (int i = 0; i < 10; i++) {
        // The client writes the first line as it likes; our proxy appends the real address on a second.
        accepted += accepted(send(service, a, i, "198.18." + i + ".1", "203.0.113.9"));
      }
      assertThat(accepted).as("one client, whatever its own line says").isEqualTo(LIMIT);
      assertThat(accepted(send(service, a, 99, "203.0.113.10"))).as("another client").isEqualTo(1);
    }
  }

  @Test
  void addressesOfOneIpv6Slash64BehindTheProxyShareOneLimit() {
    try (RunningService service = start()) {
      String a = "xff6-" + UUID.randomUUID().toString().substring(0, 8);
      int accepted = 0;
      for (int i = 0; i < 10; i++) {
        accepted += accepted(send(service, a, i, "2001:db8:77:1:" + Integer.toHexString(i + 1) + "::5"));
      }
      assertThat(accepted).isEqualTo(LIMIT);
      assertThat(accepted(send(service, a, 50, "2001:db8:77:2::5"))).as("the next /64").isEqualTo(1);
    }
  }

  private static RunningService start() {
    return RunningService.start(DB, MutableClock.at("2026-11-24T12:30:00Z"),
        Map.of("TRUSTED_PROXIES", "127.0.0.1", "RATE_LIMIT_PER_MINUTE", Integer.toString(LIMIT)));
  }

  private static HttpResponse<Buffer> send(RunningService service, String article, int visitor, String... lines) {
    HttpRequest<Buffer> request = service.client.post("/v1/events").putHeader("Content-Type", "text/plain");
    for (String line : lines) {
      request.headers().add("X-Forwarded-For", line);
    }
    return await(request.sendBuffer(Buffer.buffer("{\"type\":\"view\",\"article\":\"" + article
        + "\",\"vid\":\"forwarded-" + visitor + "\"}")));
  }

  private static int accepted(HttpResponse<Buffer> response) {
    return response.statusCode() == 202 ? response.bodyAsJsonObject().getInteger("accepted") : 0;
  }
}
