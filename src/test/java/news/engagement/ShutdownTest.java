package news.engagement;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import news.engagement.config.Config;
import org.junit.jupiter.api.Test;

/** The drain's share of SHUTDOWN_TIMEOUT leaves time for the final ClickHouse flush. */
class ShutdownTest {
  private static Config config(String grace, String timeout) {
    Map<String, String> env = Map.of("VISITOR_SECRET", "s".repeat(32), "SHUTDOWN_GRACE", grace,
        "SHUTDOWN_TIMEOUT", timeout);
    return Config.from(env::get);
  }

  @Test
  void theDrainGetsThreeQuartersOfWhatFollowsTheGrace() {
    assertThat(Shutdown.drainTimeout(config("5s", "30s"))).isEqualTo(Duration.ofMillis(18_750));
    assertThat(Shutdown.drainTimeout(config("0s", "4s"))).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void theDrainAlwaysGetsAtLeastASecond() {
    assertThat(Shutdown.drainTimeout(config("1s", "1100ms"))).isEqualTo(Duration.ofSeconds(1));
  }
}
