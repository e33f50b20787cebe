package news.engagement.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure parts: the order of a list, and the trending score. */
class RankingTest {
  @Test
  void highestFirstTiesByLowestIdAlsoWhenTheLimitCutsThroughATie() {
    Map<String, Long> sums = Map.of("m", 5L, "z", 3L, "y", 3L, "b", 3L, "a", 3L);
    assertThat(Ranking.top(sums, 2)).containsExactly(new TopItem("m", 5), new TopItem("a", 3));
    assertThat(Ranking.top(sums, 10)).containsExactly(new TopItem("m", 5), new TopItem("a", 3),
        new TopItem("b", 3), new TopItem("y", 3), new TopItem("z", 3));
  }

  @Test
  void nothingAtOrBelowZeroIsListed() {
    assertThat(Ranking.top(Map.of("a", 2L, "b", 0L, "c", -1L), 10)).containsExactly(new TopItem("a", 2));
  }

  @Test
  void scoreIsCloseToTheRatioForBusyArticlesAndLowForQuietOnes() {
    double busySteady = Trending.score(10_000, 10_000, 1);
    double busyDoubled = Trending.score(20_000, 10_000, 1);
    double smallRise = Trending.score(200, 10, 1);
    double threeViews = Trending.score(3, 0, 1);
    assertThat(busySteady).isBetween(0.99, 1.0);
    assertThat(busyDoubled).isBetween(1.99, 2.0);
    assertThat(smallRise).isGreaterThan(busyDoubled);
    assertThat(threeViews).isLessThan(0.2);
    // The priors scale with the hours covered, so a 24h window is judged like a 1h one.
    assertThat(Trending.score(24 * 200, 24 * 10, 24)).isCloseTo(smallRise, org.assertj.core.data.Offset.offset(1e-9));
  }
}
