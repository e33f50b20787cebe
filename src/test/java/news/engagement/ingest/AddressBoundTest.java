package news.engagement.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.util.Map;
import java.util.UUID;
import news.engagement.testing.MutableClock;
import news.engagement.testing.RunningService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One sender inventing a new vid for every view cannot add more than MAX_VIEWS_PER_ADDRESS views to an
 * article per dedup window: an IPv4 address, and an IPv6 /64 whatever addresses in it it uses, behind
 * a trusted proxy. Other senders and other articles still count.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AddressBoundTest {
  private static final int BOUND = 20;
  private RunningService service;

  @BeforeAll
  void start() {
    service = RunningService.start(1, MutableClock.at("2026-11-25T09:00:00Z"),
        Map.of("MAX_VIEWS_PER_ADDRESS", Integer.toString(BOUND), "TRUSTED_PROXIES", "127.0.0.1"));
  }

  @AfterAll
  void stop() {
    service.close();
  }

  private void views(String article, int n, String forwardedFor) {
    for (int i = 0; i < n; i++) {
      String address = forwardedFor.replace("#", Integer.toString(i + 1));
      String body = "{\"type\":\"view\",\"article\":\"" + article + "\",\"vid\":\"invented-"
          + UUID.randomUUID().toString().substring(0, 12) + "\"}";
      int status = RunningService.await(service.client.post("/v1/events").putHeader("Content-Type", "text/plain")
          .putHeader("X-Forwarded-For", address).sendBuffer(Buffer.buffer(body))).statusCode();
      assertThat(status).isEqualTo(202);
    }
  }

  @Test
  void anIpv4AddressAddsAtMostTheBound() {
    String a = "bound-v4-" + UUID.randomUUID().toString().substring(0, 8);
    double before = droppedRateLimited();
    views(a, 60, "203.0.113.77");
    views(a, 5, "198.51.100.#");
    assertThat(service.article(a).getLong("views")).isEqualTo(BOUND + 5);
    assertThat(droppedRateLimited() - before).isEqualTo(40.0);
  }

  @Test
  void anIpv6Slash64IsOneSenderWhateverAddressesInItItUses() {
    String a = "bound-v6-" + UUID.randomUUID().toString().substring(0, 8);
    String b = "bound-v6b-" + UUID.randomUUID().toString().substring(0, 8);
    views(a, 50, "2001:db8:1:2::#");
    views(a, 7, "2001:db8:1:3::1");
    views(b, 30, "2001:db8:1:2:ffff::#");
    assertThat(service.article(a).getLong("views")).as("another /64 is another sender").isEqualTo(BOUND + 7);
    assertThat(service.article(b).getLong("views")).as("the bound is per article").isEqualTo(BOUND);
  }

  private double droppedRateLimited() {
    service.awaitApplied();
    return service.registry.find("engagement.events.dropped").tag("reason", "rate_limited").counters().stream()
        .mapToDouble(c -> c.count()).sum();
  }
}
