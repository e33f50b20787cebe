package news.engagement.visitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import news.engagement.config.Config;
import org.junit.jupiter.api.Test;

/** Keys derive from VISITOR_SECRET alone: the same on every instance, different per day and per secret. */
class VisitorKeysTest {
  private static VisitorKeys keys(String secret) {
    return new VisitorKeys(Config.from(name -> name.equals("VISITOR_SECRET") ? secret : null).visitorSecret());
  }

  @Test
  void theSameSecretGivesTheSameKeysEverywhere() {
    VisitorKeys one = keys("a".repeat(32));
    VisitorKeys two = keys("a".repeat(32));
    assertThat(one.vidKey()).isEqualTo(two.vidKey()).hasSize(32);
    assertThat(one.daySalt(20_000)).isEqualTo(two.daySalt(20_000));
    assertThat(one.keyId()).isEqualTo(two.keyId()).hasSize(4);
  }

  @Test
  void eachDayAndEachSecretHasItsOwnKeys() {
    VisitorKeys one = keys("a".repeat(32));
    VisitorKeys other = keys("b".repeat(32));
    assertThat(one.daySalt(20_000)).isNotEqualTo(one.daySalt(20_001)).isNotEqualTo(one.vidKey());
    assertThat(other.vidKey()).isNotEqualTo(one.vidKey());
    assertThat(other.keyId()).isNotEqualTo(one.keyId());
  }

  @Test
  void hashesCarryTheKeyIdSoARotatedSecretStartsFreshVisitors() {
    Clock clock = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);
    VisitorIds before = new VisitorIds(keys("a".repeat(32)), clock);
    VisitorIds after = new VisitorIds(keys("b".repeat(32)), clock);
    assertThat(before.ofVid("reader-0001")).startsWith("v" + keys("a".repeat(32)).keyId())
        .isEqualTo(before.ofVid("reader-0001")).isNotEqualTo(after.ofVid("reader-0001"));
    assertThat(before.ofClient("192.0.2.1", "UA")).startsWith("c").isNotEqualTo(after.ofClient("192.0.2.1", "UA"));
    VisitorIds nextDay = new VisitorIds(keys("a".repeat(32)), Clock.offset(clock, java.time.Duration.ofDays(1)));
    assertThat(nextDay.ofClient("192.0.2.1", "UA")).as("daily salt").isNotEqualTo(before.ofClient("192.0.2.1", "UA"));
    assertThat(nextDay.ofVid("reader-0001")).as("a vid is one visitor across days").isEqualTo(before.ofVid("reader-0001"));
  }
}
