package news.engagement.counting;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import news.engagement.metrics.EngagementMetrics.CountedType;
import org.junit.jupiter.api.Test;

class AddressAllowanceTest {
  private static final Limits LIMITS = new Limits(Duration.ofMinutes(30), 500);

  private static Countable view(String article, String address) {
    return new Countable(CountedType.VIEW, article, "visitor", null, address);
  }

  @Test
  void theFirstViewsOfAPairSkipTheScriptsCounterAndTheScriptGetsTheRest() {
    AddressAllowance allowance = new AddressAllowance(LIMITS);
    long now = Duration.ofMinutes(60).toMillis();
    for (int i = 0; i < AddressAllowance.MAX_ALLOWANCE; i++) {
      assertThat(allowance.admit(view("a", "g1"), now).address()).isEmpty();
    }
    assertThat(allowance.admit(view("a", "g1"), now).address()).isEqualTo("g1");
    assertThat(allowance.admit(view("b", "g1"), now).address()).as("another article").isEmpty();
    assertThat(allowance.admit(view("a", "g2"), now).address()).as("another address").isEmpty();
    Countable sourced = new Countable(CountedType.VIEW, "c", "visitor", null, "g3", "search:google");
    assertThat(allowance.admit(sourced, now)).as("only the address goes").isEqualTo(
        new Countable(CountedType.VIEW, "c", "visitor", null, "", "search:google"));
    // The script bounds what remains: together exactly the configured bound on one instance.
    assertThat(AddressAllowance.forScript(LIMITS).maxViewsPerAddress() + AddressAllowance.MAX_ALLOWANCE).isEqualTo(500);
    // A new dedup window starts every pair afresh, as the script's counter does.
    assertThat(allowance.admit(view("a", "g1"), now + Duration.ofMinutes(30).toMillis()).address()).isEmpty();
  }

  @Test
  void aHammeringPairStaysCountedAcrossGenerationsAndAnIdleOneIsForgotten() {
    AddressAllowance allowance = new AddressAllowance(LIMITS);
    long now = Duration.ofMinutes(60).toMillis();
    assertThat(allowance.admit(view("idle", "g0"), now).address()).isEmpty();
    for (int i = 0; i < AddressAllowance.MAX_ALLOWANCE; i++) {
      assertThat(allowance.admit(view("hot", "g1"), now).address()).isEmpty();
    }
    // Five generations of other pairs, the hot pair sending now and then: it never gets its allowance again.
    for (int i = 0; i < 5 * AddressAllowance.GENERATION; i++) {
      allowance.admit(view("article-" + i, "g" + i), now);
      if (i % 1000 == 0) {
        assertThat(allowance.admit(view("hot", "g1"), now).address()).as("past its allowance, at %d", i)
            .isEqualTo("g1");
      }
    }
    // The idle pair was seen in neither of the last two generations: forgotten, it starts again.
    for (int i = 0; i < AddressAllowance.MAX_ALLOWANCE; i++) {
      assertThat(allowance.admit(view("idle", "g0"), now).address()).isEmpty();
    }
    assertThat(allowance.admit(view("idle", "g0"), now).address()).isEqualTo("g0");
  }

  @Test
  void likesUnknownAddressesAndNoBoundPassUnchanged() {
    AddressAllowance allowance = new AddressAllowance(LIMITS);
    Countable like = new Countable(CountedType.LIKE, "a", "visitor", null, "g1");
    assertThat(allowance.admit(like, 0)).isSameAs(like);
    Countable anonymous = view("a", "");
    assertThat(allowance.admit(anonymous, 0)).isSameAs(anonymous);
    AddressAllowance none = new AddressAllowance(new Limits(Duration.ofMinutes(30), 0));
    Countable v = view("a", "g1");
    assertThat(none.admit(v, 0)).isSameAs(v);
    assertThat(AddressAllowance.allowanceOf(new Limits(Duration.ofMinutes(30), 20))).isEqualTo(10);
    assertThat(AddressAllowance.allowanceOf(new Limits(Duration.ofMinutes(30), 1))).isZero();
  }
}
