package news.engagement.presence;

import static news.engagement.presence.PresenceTraffic.ping;
import static news.engagement.presence.PresenceTraffic.view;
import static news.engagement.testing.RunningService.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import news.engagement.history.ClickHouseClient;
import news.engagement.testing.MutableClock;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A seeded trace of readers arriving, pinging (active or idle), moving between articles and leaving,
 * with crawlers pinging too, over five minutes of a test clock; its ground truth is computed here by the
 * SPEC's rules. Engaged seconds and visitors per article and minute equal the truth in Redis, in
 * {@code article_presence} and in {@code article_engagement}; readers now, per article and site-wide,
 * equal the truth at three instants (mid-trace, at its end, and after some readers went silent); read
 * depth per threshold equals the truth within HyperLogLog's error.
 */
class PresenceTraceTest {
  private static final int REDIS_DB = 5;
  private static final String DATABASE = "presence_trace_test";
  private static final String TOKEN = "presence-trace-token";
  private static final long WINDOW_MS = ReadersNow.WINDOW.toMillis();

  private static Vertx vertx;
  private static ClickHouseClient clickhouse;

  @BeforeAll
  static void stores() {
    vertx = Vertx.vertx();
    clickhouse = new ClickHouseClient(vertx, TestStores.clickhouseUrl(), DATABASE, "default", "");
    await(clickhouse.execute("DROP DATABASE IF EXISTS " + DATABASE));
  }

  @AfterAll
  static void closeStores() {
    clickhouse.close();
    await(vertx.close());
  }

  /** The truth: last seen per (article, visitor) and per visitor, engaged time per (article, minute), depth. */
  private static final class Truth {
    final Map<String, Map<String, Long>> seen = new HashMap<>();
    final Map<String, Long> siteSeen = new HashMap<>();
    final Map<String, long[]> engaged = new TreeMap<>();
    final Map<String, Set<String>> engagedBy = new HashMap<>();
    final Map<String, Map<String, Integer>> deepest = new HashMap<>();

    void seen(String article, String visitor, long at) {
      seen.computeIfAbsent(article, a -> new HashMap<>()).merge(visitor, at, Math::max);
      siteSeen.merge(visitor, at, Math::max);
    }

    void ping(String article, String visitor, long at, int seconds, int depth) {
      seen(article, visitor, at);
      deepest.computeIfAbsent(article, a -> new HashMap<>()).merge(visitor, depth, Math::max);
      if (seconds > 0) {
        String key = article + "@" + Math.floorDiv(at, 60_000L) * 60;
        engaged.computeIfAbsent(key, k -> new long[2])[0] += seconds;
        if (engagedBy.computeIfAbsent(key, k -> new HashSet<>()).add(visitor)) {
          engaged.get(key)[1]++;
        }
      }
    }

    long readers(String article, long now) {
      return seen.getOrDefault(article, Map.of()).values().stream().filter(t -> t >= now - WINDOW_MS).count();
    }

    long site(long now) {
      return siteSeen.values().stream().filter(t -> t >= now - WINDOW_MS).count();
    }

    long reached(String article, int threshold) {
      return deepest.getOrDefault(article, Map.of()).values().stream().filter(d -> d >= threshold).count();
    }
  }

  @Test
  void engagedTimeAndReadersNowEqualTheGroundTruth() {
    TestStores.flush(REDIS_DB);
    MutableClock clock = MutableClock.at("2027-04-01T09:58:20Z");
    String run = UUID.randomUUID().toString().substring(0, 6);
    List<String> articles = List.of("tr-a-" + run, "tr-b-" + run, "tr/c:" + run, "tr-d-" + run);
    Random random = new Random(20270401L);
    Truth truth = new Truth();
    Map<String, String> reading = new HashMap<>(); // visitor -> article, while the visitor is on a page
    List<Long> instants = new ArrayList<>();
    List<Map<String, Long>> readersAt = new ArrayList<>();
    List<Map<String, Long>> expectedAt = new ArrayList<>();

    try (RunningService service = RunningService.start(REDIS_DB, clock, Map.of("CLICKHOUSE_DATABASE", DATABASE,
        "EDITOR_TOKEN", TOKEN, "PRESENCE_INTERVAL", "10ms", "PRESENCE_FLUSH_INTERVAL", "1h", "FLUSH_INTERVAL", "1h"))) {
      Presence presence = service.service.room(Presence.class);
      Context context = vertx.getOrCreateContext();
      // 5 s steps over five minutes (crossing six minute boundaries).
      for (int step = 0; step < 60; step++) {
        long now = clock.millis();
        List<JsonObject> events = new ArrayList<>();
        for (int r = 0; r < 30; r++) {
          String vid = "trace-" + run + "-" + r;
          String on = reading.get(vid);
          double roll = random.nextDouble();
          if (on == null) {
            if (roll < 0.15 && step < 50) { // arrives on an article (a view, as the page script sends)
              String article = articles.get(random.nextInt(articles.size()));
              reading.put(vid, article);
              events.add(view(article, vid));
              truth.seen(article, vid, now);
            }
          } else if (roll < 0.05) {
            reading.remove(vid); // leaves: no more pings
          } else if (roll < 0.10) { // follows a link to another article
            String article = articles.get(random.nextInt(articles.size()));
            reading.put(vid, article);
            events.add(view(article, vid));
            truth.seen(article, vid, now);
          } else if ((step + r) % 3 == 0) { // pings every 15 s; idle readers engage 0
            int seconds = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(15);
            int depth = random.nextInt(101);
            events.add(ping(on, vid, seconds, depth));
            truth.ping(on, vid, now, seconds, depth);
          }
        }
        if (!events.isEmpty()) {
          PresenceTraffic.post(service, events, RunningService.BROWSER_UA);
        }
        // A crawler pings as well: dropped as a bot, never a reader.
        PresenceTraffic.post(service, List.of(ping(articles.get(0), "crawler-" + run, 15, 100)), "curl/8.5.0");
        PresenceTraffic.awaitWritten(service);
        if (step == 29 || step == 59) {
          instants.add(clock.millis());
          expectedAt.add(expected(truth, articles, clock.millis()));
          readersAt.add(readersNow(presence, articles, context));
        }
        clock.advance(Duration.ofSeconds(5));
      }
      // Third instant: 40 s of silence after the trace (readers last seen more than 60 s ago are gone).
      clock.advance(Duration.ofSeconds(40));
      instants.add(clock.millis());
      expectedAt.add(expected(truth, articles, clock.millis()));
      readersAt.add(readersNow(presence, articles, context));

      for (int i = 0; i < instants.size(); i++) {
        assertThat(readersAt.get(i)).as("readers now at instant " + (i + 1)).isEqualTo(expectedAt.get(i));
      }
      assertThat(readersAt.get(0).get("site")).as("a trace worth checking").isGreaterThan(5);
      assertThat(readersAt.get(2).get("site")).as("some readers went silent").isLessThan(readersAt.get(1).get("site"));

      // Engaged time per article and minute: Redis, then ClickHouse (a repeated flush changes nothing).
      assertThat(truth.engaged.keySet().stream().map(k -> k.substring(k.indexOf('@'))).distinct().count())
          .as("engaged time in several minutes").isGreaterThanOrEqualTo(5);
      long firstMinute = Math.floorDiv(instants.get(0) - 300_000, 60_000L) * 60;
      Map<String, long[]> inRedis = new TreeMap<>();
      for (String article : articles) {
        for (long minute = firstMinute; minute <= firstMinute + 600; minute += 60) {
          long[] values = await(presence.readers().engagedMinute(article, minute, context));
          if (values[0] > 0 || values[1] > 0) {
            inRedis.put(article + "@" + minute, values);
          }
        }
      }
      assertSameEngaged(inRedis, truth.engaged, "Redis");

      await(presence.flushNow());
      await(presence.flushNow());
      assertSameEngaged(engagedInClickHouse("article_presence", run), truth.engaged, "article_presence");
      assertSameEngaged(engagedInClickHouse("article_engagement", run), truth.engaged, "article_engagement");

      // Read depth: visitors who reached each threshold, counted once each however often they pinged.
      // HyperLogLog: two of these few visitors may share a register (a few % of runs), so one off is allowed.
      for (String article : articles) {
        JsonObject depth = PresenceTraffic.editor(service, TOKEN, "/v1/editor/articles/" + article)
            .getJsonObject("readDepth");
        assertThat(depth.getLong("readers")).as(article)
            .isCloseTo(truth.deepest.getOrDefault(article, Map.of()).size(), within(1L));
        for (int threshold : List.of(25, 50, 75, 100)) {
          assertThat(depth.getJsonObject("reached").getLong(Integer.toString(threshold))).as(article + " " + threshold)
              .isCloseTo(truth.reached(article, threshold), within(1L));
        }
      }
    }
  }

  /** The truth's readers now at this instant (taken then: later sightings must not count). */
  private static Map<String, Long> expected(Truth truth, List<String> articles, long now) {
    Map<String, Long> counts = new TreeMap<>();
    for (String article : articles) {
      counts.put(article, truth.readers(article, now));
    }
    counts.put("site", truth.site(now));
    return counts;
  }

  private static Map<String, Long> readersNow(Presence presence, List<String> articles, Context context) {
    Map<String, Long> counts = new TreeMap<>();
    for (String article : articles) {
      counts.put(article, await(presence.readers().article(article, context)));
    }
    counts.put("site", await(presence.readers().site(context)));
    return counts;
  }

  private static Map<String, long[]> engagedInClickHouse(String table, String run) {
    Map<String, long[]> rows = new TreeMap<>();
    for (String[] row : await(clickhouse.queryTabSeparated("SELECT article_id, toUInt32(minute), sum(engaged_seconds), "
        + "sum(engaged_visitors) FROM " + DATABASE + "." + table + " WHERE article_id LIKE '%" + run
        + "' GROUP BY article_id, minute HAVING sum(engaged_seconds) > 0 FORMAT TabSeparated"))) {
      rows.put(row[0] + "@" + row[1], new long[] {Long.parseLong(row[2]), Long.parseLong(row[3])});
    }
    return rows;
  }

  private static void assertSameEngaged(Map<String, long[]> actual, Map<String, long[]> truth, String where) {
    assertThat(actual.keySet()).as(where + ": article and minute").isEqualTo(truth.keySet());
    truth.forEach((key, values) -> assertThat(actual.get(key)).as(where + " " + key).containsExactly(values));
  }
}
