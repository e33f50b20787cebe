package news.engagement.query;

import static news.engagement.query.Traffic.like;
import static news.engagement.query.Traffic.share;
import static news.engagement.query.Traffic.unlike;
import static news.engagement.query.Traffic.view;
import static news.engagement.query.Traffic.vid;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import news.engagement.testing.MutableClock;
import news.engagement.testing.RunningService;
import org.junit.jupiter.api.Test;

/**
 * Black-box: a traffic trace with known ground truth goes in through HTTP at several times (40 days,
 * 20 days, 3 days, 6 hours and 30 minutes before the read); every metric and window must come out in
 * the true order. The truth is computed here from the trace alone, by the SPEC's rules, with each
 * window taken as "at least its length minus one bucket": no event sits near a window's edge.
 *
 * <p>Uniques are the distinct visitors of the window (PFCOUNT over the article's bucket HyperLogLogs), which
 * may (rarely) miss one visitor: the trace keeps every two adjacent uniques at least 2 apart, the test
 * allows each value to be 1 low and still demands the order.
 */
class TopTraceTest {
  static final int REDIS_DB = 4;
  static final Instant READ = Instant.parse("2027-06-15T12:02:00Z");
  static final Map<String, Duration> WINDOWS = Map.of(
      "1h", Duration.ofMinutes(55), "24h", Duration.ofHours(23), "7d", Duration.ofHours(167), "30d", Duration.ofDays(29));

  private final TreeMap<Instant, List<JsonObject>> trace = new TreeMap<>();

  @Test
  void everyMetricAndWindowComesOutInTheTrueOrder() {
    buildTrace();
    MutableClock clock = new MutableClock(trace.firstKey());
    // Views of one visitor at different times must all count, so the view dedup window is 1 ms.
    try (RunningService service = RunningService.start(REDIS_DB, clock,
        Map.of("CLICKHOUSE_DATABASE", "test_top_trace", "VIEW_DEDUP_WINDOW", "1ms"))) {
      trace.forEach((at, events) -> {
        clock.set(at);
        Traffic.send(service, events);
      });
      clock.set(READ);
      for (Map.Entry<String, Duration> window : WINDOWS.entrySet()) {
        Instant from = READ.minus(window.getValue());
        for (String metric : List.of("views", "likes", "shares")) {
          assertThat(Traffic.top(service, "metric=" + metric + "&window=" + window.getKey()))
              .as(metric + " over " + window.getKey()).containsExactlyEntriesOf(truth(metric, from));
        }
        Map<String, Long> uniques = Traffic.top(service, "metric=uniques&window=" + window.getKey());
        Map<String, Long> expected = truth("uniques", from);
        assertThat(uniques.keySet()).as("uniques over " + window.getKey()).containsExactlyElementsOf(expected.keySet());
        expected.forEach((article, value) ->
            assertThat(uniques.get(article)).as(article + " uniques over " + window.getKey()).isBetween(value - 1, value));
      }
    }
  }

  private void buildTrace() {
    outsideAndMonth(READ.minus(Duration.ofDays(40)), READ.minus(Duration.ofDays(20)));
    weekAndDay(READ.minus(Duration.ofDays(3)), READ.minus(Duration.ofHours(6)));
    hour(READ.minus(Duration.ofMinutes(30)));
  }

  private void outsideAndMonth(Instant out, Instant month) {
    // Outside every window: would put A on top anywhere if counted.
    views(out, "A", "a-out", 12);
    likes(out, "A", "la", 0, 3);
    for (String net : List.of("telegram", "twitter", "facebook", "email")) {
      add(out, share("A", vid("sa-out", 0), net));
    }
    // 30 days: B read by 11 visitors, 2 of them again an hour later (no new uniques).
    Instant monthLater = month.plus(Duration.ofHours(1));
    views(month, "B", "b-month", 11);
    add(monthLater, view("B", vid("b-month", 0)));
    add(monthLater, view("B", vid("b-month", 1)));
    views(month, "C", "c-month", 2);
    likes(month, "B", "lb", 0, 4);
    for (String net : List.of("telegram", "twitter", "facebook", "whatsapp", "copy")) {
      add(month, share("A", vid("sa-month", 0), net));
    }
  }

  private void weekAndDay(Instant week, Instant day) {
    views(week, "C", "c-week", 12);
    views(week, "D", "d-week", 4);
    likes(week, "C", "lc", 0, 3);
    likes(week, "D", "ld", 0, 2);
    for (int i = 0; i < 3; i++) {
      add(week, share("C", vid("sc-week", i), "telegram"));
    }
    views(day, "D", "d-day", 6);
    views(day, "E", "e-day", 2);
    views(day, "A", "a-day", 1);
    likes(day, "A", "la", 10, 2);
    likes(day, "E", "le", 0, 1);
    add(day, share("D", vid("sd-day", 0), "vk"));
  }

  private void hour(Instant hour) {
    // A's visitor of the morning comes back: a view, not a new unique of the window.
    views(hour, "E", "e-hour", 6);
    views(hour, "A", "a-hour", 3);
    add(hour, view("A", vid("a-day", 0)));
    views(hour, "B", "b-hour", 1);
    // Likes taken back: C and A go net negative within 1h; an unlike without a like does nothing.
    add(hour, unlike("C", vid("lc", 0)));
    add(hour, unlike("C", vid("lc", 1)));
    add(hour, unlike("A", vid("la", 10)));
    add(hour, unlike("D", vid("nobody", 0)));
    likes(hour, "E", "le", 1, 2);
    add(hour, share("B", vid("sb-hour", 0), "telegram"));
    add(hour, share("B", vid("sb-hour", 0), "twitter"));
  }

  private void views(Instant at, String article, String prefix, int n) {
    for (int i = 0; i < n; i++) {
      add(at, view(article, vid(prefix, i)));
    }
  }

  private void likes(Instant at, String article, String prefix, int first, int n) {
    for (int i = first; i < first + n; i++) {
      add(at, like(article, vid(prefix, i)));
    }
  }

  private void add(Instant at, JsonObject event) {
    trace.computeIfAbsent(at, t -> new ArrayList<>()).add(event);
  }

  /** The true list from the trace: values of events at or after {@code from}, by the counting rules. */
  private Map<String, Long> truth(String metric, Instant from) {
    Map<String, Long> sums = new HashMap<>();
    Set<String> likesOn = new HashSet<>();
    Set<String> seenInWindow = new HashSet<>();
    trace.forEach((at, events) -> {
      for (JsonObject e : events) {
        String article = e.getString("article");
        String visitor = e.getString("vid") + "/" + article;
        long delta = switch (e.getString("type")) {
          case "view" -> metric.equals("views") ? 1
              : metric.equals("uniques") && !at.isBefore(from) && seenInWindow.add(visitor) ? 1 : 0;
          case "like" -> likesOn.add(visitor) && metric.equals("likes") ? 1 : 0;
          case "unlike" -> likesOn.remove(visitor) && metric.equals("likes") ? -1 : 0;
          case "share" -> metric.equals("shares") ? 1 : 0;
          default -> throw new IllegalStateException(e.encode());
        };
        if (!at.isBefore(from)) {
          sums.merge(article, delta, Long::sum);
        }
      }
    });
    Map<String, Long> ordered = new LinkedHashMap<>();
    sums.entrySet().stream()
        .filter(en -> en.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(10)
        .forEach(en -> ordered.put(en.getKey(), en.getValue()));
    return ordered;
  }
}
