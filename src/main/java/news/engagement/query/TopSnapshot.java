package news.engagement.query;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One rebuild of the top lists, as served from memory until the next.
 *
 * @param open the open 5-minute bucket it was built in (epoch seconds)
 * @param at the clock's time of the rebuild: the lists' {@code to}
 * @param startNanos when the rebuild started ({@link System#nanoTime}), for its age
 * @param lists per metric (not uniques) and window, the top {@link ListBuilder#LIST_SIZE}
 * @param sections per metric (not uniques), window and section key, the top {@link ListBuilder#LIST_SIZE}
 *     of the section ({@link Sections})
 * @param candidates per window, the most viewed {@link ListBuilder#CANDIDATES} articles with their views
 * @param baselines per trendable window, the baseline views of its candidates (absent: none)
 */
record TopSnapshot(long open, Instant at, long startNanos, Map<Metric, Map<Window, List<TopItem>>> lists,
    Map<Metric, Map<Window, Map<String, List<TopItem>>>> sections, Map<Window, List<TopItem>> candidates, Map<Window, Map<String, Long>> baselines) {
}
