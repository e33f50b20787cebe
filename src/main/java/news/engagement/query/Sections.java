package news.engagement.query;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The most read within a section ({@code /v1/top?section=}), built by each rebuild of the lists from the
 * same per-window sums the whole-site lists are ranked from: every article of each shard's highest
 * {@link WindowSums#TOP} closed-part sums, plus every article with traffic in the two live 5-minute
 * buckets (their window sums looked up exactly). So a section list is exact for every article in those
 * (with 16 shards, the 16 000 most read of the window's closed part, and all read in the last 10
 * minutes); an article of a section below all of them is not listed. Bounded: at most
 * {@link #MAX_SECTIONS} sections per metric and window (those with the most in the window), each its top
 * {@link ListBuilder#LIST_SIZE}. The section of an article comes from the labels in memory.
 */
final class Sections {
  static final int MAX_SECTIONS = 100;

  private Sections() {
  }

  /** The section keys of one rebuild, each article looked up once however many lists it is in. */
  static Function<String, String> sectionKeys(Labels labels) {
    Map<String, Optional<String>> known = new HashMap<>();
    return article -> known.computeIfAbsent(article, a -> {
      Label label = labels.of(a);
      return Optional.ofNullable(label == null ? null : label.sectionKey());
    }).orElse(null);
  }

  /** Per section key, its top {@code size} of {@code values}; only articles whose section is known. */
  static Map<String, List<TopItem>> lists(Map<String, Long> values, Function<String, String> sectionKey, int size) {
    Map<String, Map<String, Long>> bySection = new HashMap<>();
    Map<String, Long> totals = new HashMap<>();
    values.forEach((article, value) -> {
      String section = sectionKey.apply(article);
      if (section != null && value > 0) {
        bySection.computeIfAbsent(section, s -> new HashMap<>()).put(article, value);
        totals.merge(section, value, Long::sum);
      }
    });
    List<String> kept = new ArrayList<>(totals.keySet());
    kept.sort(Comparator.comparing((String s) -> totals.get(s)).reversed().thenComparing(Comparator.naturalOrder()));
    Map<String, List<TopItem>> lists = new HashMap<>();
    for (String section : kept.subList(0, Math.min(MAX_SECTIONS, kept.size()))) {
      lists.put(section, Ranking.top(bySection.get(section), size));
    }
    return lists;
  }

  /** Asks for the labels of listed articles not in memory (after a restart, for articles nobody read since). */
  static void askForUnlabeled(Map<Metric, Map<Window, List<TopItem>>> lists, Labels labels) {
    lists.values().forEach(byWindow -> byWindow.values().forEach(items -> items.forEach(item -> {
      if (labels.of(item.article()) == null) {
        labels.wanted(item.article());
      }
    })));
  }
}
