package news.engagement.presence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import news.engagement.counting.Keys;
import org.junit.jupiter.api.Test;

/** What a presence call carries once the writer knows the sets' sampling levels (the script's side: PresenceTest). */
class SliceTest {
  private static final Keys KEYS = new Keys(1);

  @Test
  void membersBelowTheLastAnsweredLevelsAreLeftOut() {
    Slice slice = new Slice(0);
    List<String> visitors = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      String visitor = "v-" + i;
      visitors.add(visitor);
      Sighting s = new Sighting(i % 2 == 0 ? "hot" : "cold", visitor, 1_000_000L + i, 0, false, 0);
      String member = Slice.member(visitor);
      slice.addArticle(s, member);
      slice.addVisitor(s, member);
    }
    Map<String, Integer> levels = Map.of("hot", 3);
    List<String> args = Arrays.asList(slice.encode(KEYS, "w", 1, 2_000_000L, 50, Set.of(), 2,
        article -> levels.getOrDefault(article, 0)).args());

    List<String> site = members(args, 4);
    assertThat(site).isNotEmpty().allMatch(m -> Slice.sampleOf(m) >= 2);
    assertThat(site).hasSize((int) visitors.stream().filter(v -> Slice.sample(v) >= 2).count());

    int at = 4 + 1 + 2 * site.size();
    assertThat(args.get(at)).isEqualTo("2"); // two articles
    at++;
    for (int a = 0; a < 2; a++) {
      String article = args.get(at);
      List<String> members = members(args, at + 2);
      int level = article.equals("hot") ? 3 : 0;
      int parity = article.equals("hot") ? 0 : 1;
      long expected = visitors.stream()
          .filter(v -> Integer.parseInt(v.substring(2)) % 2 == parity && Slice.sample(v) >= level).count();
      assertThat(members).as(article).hasSize((int) expected).allMatch(m -> Slice.sampleOf(m) >= level);
      at += 2 + 1 + 2 * members.size();
      at += 1 + 2 * Integer.parseInt(args.get(at)); // depth pairs
    }
    assertThat(Slice.sampleOf(Slice.member("x"))).isEqualTo(Slice.sample("x"));
  }

  /** The members of the (count, member, moment...) run at {@code at}. */
  private static List<String> members(List<String> args, int at) {
    int n = Integer.parseInt(args.get(at));
    List<String> members = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      members.add(args.get(at + 1 + 2 * i));
    }
    return members;
  }
}
