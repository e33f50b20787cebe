package news.engagement.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import news.engagement.testing.MutableClock;
import org.junit.jupiter.api.Test;

/** The limiter keeps limiting when it tracks many addresses, and counts an IPv6 /64 as one client. */
class RateLimiterTest {
  private final MutableClock clock = MutableClock.at("2026-11-24T12:00:00Z");

  @Test
  void threeHundredThousandAddressesDoNotResetAClientThatKeepsSending() {
    RateLimiter limiter = new RateLimiter(100, clock);
    int abuserGranted = 0;
    for (int i = 0; i < 300_000; i++) {
      int b = i >> 16 & 0xFF;
      int c = i >> 8 & 0xFF;
      int d = i & 0xFF;
      assertThat(limiter.take("10." + b + "." + c + "." + d, 1)).isEqualTo(1);
      if (i % 100 == 0) {
        abuserGranted += limiter.take("203.0.113.66", 10);
      }
    }
    assertThat(abuserGranted).as("3 000 asks of 10 events: only the limit granted").isEqualTo(100);
    assertThat(limiter.take("203.0.113.66", 1)).isZero();
    assertThat(limiter.tracked()).isLessThanOrEqualTo(RateLimiter.MAX_CLIENTS);
  }

  @Test
  void pastItsBoundItForgetsTheLeastRecentlySeenClientOnly() {
    RateLimiter limiter = new RateLimiter(5, clock, 16 * 4);
    assertThat(limiter.take("198.51.100.1", 5)).isEqualTo(5);
    for (int i = 0; i < 10_000; i++) {
      limiter.take("10.0." + (i >> 8 & 0xFF) + "." + (i & 0xFF), 1);
      // A client that keeps sending stays tracked, so stays limited.
      assertThat(limiter.take("198.51.100.1", 1)).isZero();
    }
    assertThat(limiter.tracked()).isLessThanOrEqualTo(16 * 4);
    // Long-quiet clients were forgotten: the first of the flood may send again.
    assertThat(limiter.take("10.0.0.0", 1)).isEqualTo(1);
  }

  @Test
  void anIpv6Slash64IsOneClient() {
    RateLimiter limiter = new RateLimiter(10, clock);
    int granted = 0;
    for (int i = 0; i < 1000; i++) {
      granted += limiter.take("2001:db8:1:2:" + Integer.toHexString(i) + ":0:0:1", 1);
    }
    assertThat(granted).isEqualTo(10);
    assertThat(limiter.take("2001:db8:1:3::1", 10)).as("the next /64 is someone else").isEqualTo(10);
    assertThat(RateLimiter.key("2001:db8:1:2::1")).isEqualTo(RateLimiter.key("2001:0db8:0001:0002:ffff::9"));
    assertThat(RateLimiter.key("::ffff:192.0.2.1")).as("IPv4-mapped is the IPv4 address").isEqualTo("192.0.2.1");
  }

  @Test
  void aNewMinuteGivesEveryClientItsFullRateAgain() {
    RateLimiter limiter = new RateLimiter(3, clock);
    assertThat(limiter.take("192.0.2.1", 5)).isEqualTo(3);
    clock.advance(Duration.ofMinutes(1));
    assertThat(limiter.take("192.0.2.1", 5)).isEqualTo(3);
  }
}
