package news.engagement.query;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;


/**
 * Articles whose views in a window most exceed their own usual rate. The usual rate comes from the
 * whole hours before the window ({@link Window#baseline}); the score is a smoothed ratio,
 *
 * <pre>score = (recent + PRIOR_RECENT * h) / (expected + PRIOR_EXPECTED * h)</pre>
 *
 * where {@code h} is the hours the window covers so far and {@code expected} the baseline's views scaled
 * to those hours. The priors pull articles with little traffic towards a low score (5/50 = 0.1), so a
 * handful of views never outranks a big story, while an article with plenty of views scores close to
 * recent / expected (2 = twice its usual rate). The candidates are the window's most viewed articles,
 * at most {@link ListBuilder#CANDIDATES}, and their views come from the lists {@link TopLists} keeps:
 * a request costs Redis nothing.
 *
 * <p>The baseline views come from a per-shard baseline sum set (the baseline's rolled days and hours
 * summed once per baseline end hour, {@code Keys.closedWindow(shard, "views", "base-<window>", end)}),
 * looked up with ZMSCORE for candidates not seen yet. The alternative, ZMSCORE of the candidates in
 * each of the 24 or 168 hour sets, costs up to 168 calls per shard per rebuild; the sum set costs one
 * union per shard per hour, and a lookup only for new candidates.
 */
public final class Trending {
  static final double PRIOR_RECENT_PER_HOUR = 5;
  static final double PRIOR_EXPECTED_PER_HOUR = 50;
  static final Comparator<TrendingItem> ORDER = Comparator.comparingDouble(TrendingItem::score).reversed()
      .thenComparing(Comparator.comparingLong(TrendingItem::recent).reversed())
      .thenComparing(TrendingItem::article);

  private final TopLists lists;

  public Trending(TopLists lists) {
    this.lists = Objects.requireNonNull(lists, "lists");
  }

  public Future<TrendingList> trending(Window window, int limit, Context context) {
    if (!window.trendable()) {
      throw new IllegalArgumentException("no trending for window " + window.code());
    }
    return lists.snapshot(context).map(snapshot -> {
      TrendingList list = list(snapshot, window, limit);
      return new TrendingList(list.window(), list.from(), list.to(), list.baselineFrom(), list.baselineTo(),
          list.items().stream().map(item -> item.labeled(lists.labels())).toList());
    });
  }

  /** Scores the window's candidates of one rebuild of the lists. */
  static TrendingList list(TopSnapshot snapshot, Window window, int limit) {
    Instant now = snapshot.at();
    Instant from = window.start(now);
    Window.Baseline baseline = window.baseline(now);
    // The current bucket is partial: compare with the baseline over the time the window really covers.
    double coveredHours = Math.max(1, Duration.between(from, now).toSeconds()) / 3600.0;
    double scale = coveredHours / (baseline.length().toSeconds() / 3600.0);
    Map<String, Long> baselineViews = snapshot.baselines().get(window);
    List<TrendingItem> items = new ArrayList<>();
    for (TopItem candidate : snapshot.candidates().get(window)) {
      double expected = baselineViews.getOrDefault(candidate.article(), 0L) * scale;
      items.add(new TrendingItem(candidate.article(), candidate.value(), expected,
          score(candidate.value(), expected, coveredHours)));
    }
    items.sort(ORDER);
    return new TrendingList(window, from, now, baseline.from(), baseline.to(), items.subList(0, Math.min(limit, items.size())));
  }

  /** The smoothed ratio of views in the window to the views the article's usual rate predicts. */
  static double score(long recent, double expected, double coveredHours) {
    return (recent + PRIOR_RECENT_PER_HOUR * coveredHours) / (expected + PRIOR_EXPECTED_PER_HOUR * coveredHours);
  }
}
