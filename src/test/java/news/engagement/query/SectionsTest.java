package news.engagement.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SectionsTest {
  @Test
  void ranksWithinEachSectionAndMatchesAnyCase() {
    Map<String, Label> labels = Map.of(
        "a", new Label("A", null, "Politics"), "b", new Label("B", null, "politics"),
        "c", new Label("C", null, "World"), "d", new Label("D", null, null));
    Map<String, Long> values = Map.of("a", 3L, "b", 7L, "c", 5L, "d", 9L, "e", 11L, "z", 0L);
    Map<String, List<TopItem>> lists = Sections.lists(values, Sections.sectionKeys(labels::get), 100);
    assertThat(lists.keySet()).containsExactlyInAnyOrder("politics", "world");
    assertThat(lists.get("politics")).containsExactly(new TopItem("b", 7), new TopItem("a", 3));
    assertThat(lists.get("world")).containsExactly(new TopItem("c", 5));
  }

  @Test
  void keepsAtMostTheBusiestSectionsEachToItsSize() {
    Map<String, Label> labels = new HashMap<>();
    Map<String, Long> values = new HashMap<>();
    for (int s = 0; s < 300; s++) {
      for (int i = 0; i < 150; i++) {
        String article = "s" + s + "-" + i;
        labels.put(article, new Label(null, null, "section " + s));
        values.put(article, (long) s + 1);
      }
    }
    Map<String, List<TopItem>> lists = Sections.lists(values, Sections.sectionKeys(labels::get), 100);
    assertThat(lists).hasSize(Sections.MAX_SECTIONS);
    assertThat(lists).containsKey("section 299").doesNotContainKey("section 0");
    assertThat(lists.values()).allSatisfy(items -> assertThat(items).hasSize(100));
  }
}
