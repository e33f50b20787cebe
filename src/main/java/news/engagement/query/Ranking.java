package news.engagement.query;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** The order of every list: value descending, ties by article id ascending; only values above zero. */
final class Ranking {
  static final Comparator<TopItem> ORDER =
      Comparator.comparingLong(TopItem::value).reversed().thenComparing(TopItem::article);

  private Ranking() {
  }

  /** The first {@code limit} articles with a value of at least 1 (net likes can be zero or below). */
  static List<TopItem> top(Map<String, Long> values, int limit) {
    return values.entrySet().stream()
        .filter(e -> e.getValue() > 0)
        .map(e -> new TopItem(e.getKey(), e.getValue()))
        .sorted(ORDER)
        .limit(limit)
        .toList();
  }
}
