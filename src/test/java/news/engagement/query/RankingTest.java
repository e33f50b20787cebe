package news.engagement.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure parts: merging the top script's answer, and the trending score. */
class RankingTest {
  @Test
  void tiesCutByTheLimitGoToTheLowestIds() {
    // What top.lua returns for sums m=5, z=y=b=a=3 and limit 2: Redis lists equal sums by id descending,
    // so the head ends with z; the ties part brings the lowest ids of that sum.
    List<Object> reply = List.of(List.of("m", "5", "z", "3"), List.of("a", "3", "b", "3"));
    assertThat(TopQuery.rank(reply, 2)).containsExactly(new TopItem("m", 5), new TopItem("a", 3));
    assertThat(TopQuery.rank(reply, 10)).containsExactly(new TopItem("m", 5), new TopItem("a", 3),
        new TopItem("b", 3), new TopItem("z", 3));
  }

  @Test
  void nothingAtOrBelowZeroIsListed() {
    List<Object> reply = List.of(List.of("a", "2", "b", "0", "c", "-1"), List.of());
    assertThat(TopQuery.rank(reply, 10)).containsExactly(new TopItem("a", 2));
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
