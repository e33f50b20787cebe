package news.engagement.visitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import news.engagement.config.Cidr;
import org.junit.jupiter.api.Test;

class ClientAddressTest {
  private final ClientAddress behindProxies = new ClientAddress(
      List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("127.0.0.1"), Cidr.parse("::1")));

  @Test
  void withoutTrustedProxiesThePeerIsTheClient() {
    ClientAddress direct = new ClientAddress(List.of());
    assertThat(direct.resolve("198.51.100.7", "203.0.113.9")).isEqualTo("198.51.100.7");
  }

  @Test
  void anUntrustedPeerCannotClaimAnotherAddress() {
    assertThat(behindProxies.resolve("198.51.100.7", "203.0.113.9")).isEqualTo("198.51.100.7");
  }

  @Test
  void theRightMostUntrustedHopIsTheClient() {
    // client-written junk on the left, then the real client, then our own load balancers
    assertThat(behindProxies.resolve("10.1.2.3", "1.1.1.1, 203.0.113.9, 10.9.9.9")).isEqualTo("203.0.113.9");
    assertThat(behindProxies.resolve("127.0.0.1", "203.0.113.9")).isEqualTo("203.0.113.9");
    assertThat(behindProxies.resolve("::1", "2001:db8::5")).isEqualTo("2001:db8::5");
  }

  @Test
  void whenEveryHopIsTrustedTheLeftMostIsTheClient() {
    assertThat(behindProxies.resolve("10.1.2.3", "10.0.0.5, 10.0.0.6")).isEqualTo("10.0.0.5");
  }

  @Test
  void junkInTheHeaderStopsTheWalk() {
    assertThat(behindProxies.resolve("10.1.2.3", "203.0.113.9, not-an-ip")).isEqualTo("10.1.2.3");
    assertThat(behindProxies.resolve("10.1.2.3", "")).isEqualTo("10.1.2.3");
  }

  @Test
  void headerLinesAreOneListSoASecondLineCannotBeSkipped() {
    // The client wrote the first line; our proxy (127.0.0.1) appended the real address on a second line.
    assertThat(behindProxies.resolve("127.0.0.1", List.of("1.1.1.1", "203.0.113.9"))).isEqualTo("203.0.113.9");
    assertThat(behindProxies.resolve("10.1.2.3", List.of("6.6.6.6, 7.7.7.7", "203.0.113.9, 10.0.0.5")))
        .isEqualTo("203.0.113.9");
    assertThat(behindProxies.resolve("10.1.2.3", List.of())).isEqualTo("10.1.2.3");
  }
}
