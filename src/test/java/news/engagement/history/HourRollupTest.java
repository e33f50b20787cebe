package news.engagement.history;

import static news.engagement.history.HistoryTesting.article;
import static news.engagement.history.HistoryTesting.at;
import static news.engagement.history.HistoryTesting.dirtyMinutes;
import static news.engagement.history.HistoryTesting.flush;
import static news.engagement.history.HistoryTesting.redisTotals;
import static news.engagement.history.HistoryTesting.traffic;
import static news.engagement.testing.RunningService.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import news.engagement.metrics.Dashboards;
import news.engagement.testing.MutableClock;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestRedis;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.Test;

/**
 * The hours and days the roll-up writes equal the article rows' sums through FINAL, hour by hour and day
 * by day, through re-flushes of the open minute, a late batch into a retired minute of a rolled hour (a
 * re-roll, and its day's), a stale roll inserted after a newer one, and a catch-up after minutes stayed
 * in Redis for hours; and the top-articles panel's SQL, taken from the dashboard, returns the rows' sums
 * over the range it states. The service's flusher and roll-up are parked (1 h interval); the test drives
 * flushes and roll-up rounds by hand with an injectable clock. Runs on one server and on the two-shard cluster.
 */
class HourRollupTest {
  private static final int REDIS_DB = 5;
  private static final String DATABASE = "history_hour_rollup_test";
  /** The first round starts the roll-up at the next hour, 11:00. */
  private static final Instant START = Instant.parse("2026-03-02T10:00:05Z");
  private static final long H11 = Instant.parse("2026-03-02T11:00:00Z").getEpochSecond();
  private static final long DAY3 = Instant.parse("2026-03-03T00:00:00Z").getEpochSecond();

  @Test
  void hoursAndDaysEqualTheRowsThroughReflushesLateBatchesStaleRollsAndCatchUp() {
    Vertx vertx = Vertx.vertx();
    ClickHouseClient clickhouse = TestStores.clickhouse(vertx, DATABASE);
    MutableClock clock = new MutableClock(START);
    try (TestRedis connection = TestStores.connect(REDIS_DB)) {
      RedisClusterCommands<String, String> redis = connection.sync();
      redis.flushdb();
      await(clickhouse.execute(TestStores.dropDatabase(DATABASE)));
      try (RunningService service = RunningService.start(REDIS_DB, clock,
          Map.of("CLICKHOUSE_DATABASE", DATABASE, "FLUSH_INTERVAL", "1h"))) {
        HistoryTesting.await("schema created", Duration.ofSeconds(20), () -> service.service.history().schemaInstalled());
        Context context = vertx.getOrCreateContext();
        FlushCycle cycle = new FlushCycle(connection.async(), service.service.keys(), clickhouse, clock, context);
        HourRollup rollup = new HourRollup(connection.async(), service.service.keys(), clickhouse, clock, context);
        List<String> articles = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          articles.add(article("hour-" + i));
        }
        await(rollup.round());
        assertThat(redis.get(RollupKeys.HOURS.next())).as("started at the next hour").isEqualTo(Long.toString(H11));

        // 11:00: the open minute flushed again and again, then more minutes of the hour.
        clock.set(Instant.ofEpochSecond(H11 + 5));
        for (int i = 0; i < articles.size(); i++) {
          traffic(service, articles.get(i), "a" + i, 3 + i, i % 3, i % 2);
        }
        flush(cycle);
        traffic(service, articles.get(1), "b", 5, 1, 1);
        flush(cycle);
        clock.set(Instant.ofEpochSecond(H11 + 61));
        traffic(service, articles.get(2), "c", 4, 0, 1);
        flush(cycle);
        clock.set(Instant.ofEpochSecond(H11 + 3590));
        traffic(service, articles.get(3), "d", 2, 1, 0);
        flush(cycle);

        // 12:10: the hour's last minutes can still change in Redis: not rolled yet.
        clock.set(Instant.ofEpochSecond(H11 + 3600 + 600));
        flush(cycle);
        assertThat(await(rollup.round()).hoursAnnounced()).as("11:00 before it settled").isZero();
        clock.set(Instant.ofEpochSecond(H11 + 3600 + 17 * 60));
        flush(cycle);
        HourRollup.Result rolled = await(rollup.round());
        assertThat(rolled.hoursAnnounced()).as("11:00 once settled").isEqualTo(1);
        assertThat(rolled.hoursRolled()).isEqualTo(1);
        assertSame(clickhouse, redis, "after re-flushes of the open minute");
        assertThat(hours(clickhouse)).as("11:00 of every article").hasSize(articles.size());
        assertTotals(clickhouse, service, articles, "11:00");

        // A batch made at 11:00:30 that reaches Redis now: its minute was retired, so a new generation.
        List<String> before = hoursWithVersions(clickhouse);
        at(clock, Instant.ofEpochSecond(H11 + 30), () -> traffic(service, articles.get(0), "e", 6, 1, 1));
        flush(cycle);
        assertThat(redis.hlen(RollupKeys.HOURS.marks())).as("the flusher marked 11:00").isEqualTo(1);
        assertThat(hoursWithVersions(clickhouse)).as("11:00 stale until rolled again").isEqualTo(before);
        assertThat(await(rollup.round()).hoursRolled()).isEqualTo(1);
        assertSame(clickhouse, redis, "after a late batch into a rolled hour");
        assertThat(hoursWithVersions(clickhouse)).isNotEqualTo(before);

        // A roll that read 11:00 before the late batch, written last (a slow second instance): it loses.
        await(clickhouse.insertSelect("INSERT INTO " + DATABASE + "." + RollupSchema.HOURS_TABLE
            + " (hour, article_id, views, likes, shares, previews, version) VALUES " + String.join(", ",
                before.stream().map(HourRollupTest::asValues).toList())));
        assertSame(clickhouse, redis, "after a stale roll inserted after the newer one");
        assertTotals(clickhouse, service, articles, "11:00, re-rolled");

        // 13:00 to 15:59: counted in Redis while nothing reaches ClickHouse (an outage of three hours).
        for (int h = 2; h <= 4; h++) {
          for (int m = 0; m < 60; m += 20) {
            clock.set(Instant.ofEpochSecond(H11 + h * 3600 + m * 60 + 5));
            traffic(service, articles.get((h + m) % articles.size()), "o" + h + "-" + m, 1 + m % 7, 1, h % 2);
          }
        }
        clock.set(Instant.ofEpochSecond(H11 + 5 * 3600 + 20 * 60));
        HourRollup.Result waiting = await(rollup.round());
        assertThat(redis.get(RollupKeys.HOURS.next())).as("12:00 rolled (empty); 13:00 waits for its minutes")
            .isEqualTo(Long.toString(H11 + 2 * 3600));
        assertThat(waiting.hoursAnnounced()).isEqualTo(1);
        // The catch-up, in small bounded flushes; the roll-up follows once every minute is in.
        FlushCycle catchUp = new FlushCycle(connection.async(), service.service.keys(), clickhouse, clock, context,
            new FlushCycle.Limits(2, 2, 4_000));
        for (int i = 0; i < 100 && dirtyMinutes(redis) > 0; i++) {
          flush(catchUp);
        }
        assertThat(dirtyMinutes(redis)).isZero();
        assertThat(await(rollup.round()).hoursAnnounced()).as("13:00 to 15:00").isEqualTo(3);
        assertSame(clickhouse, redis, "after a catch-up");

        // The next day, rolled from its hours, then a late batch into one of its rolled hours.
        clock.set(Instant.ofEpochSecond(DAY3 + 10 * 3600 + 5));
        traffic(service, articles.get(4), "n", 9, 2, 1);
        flush(cycle);
        clock.set(Instant.ofEpochSecond(DAY3 + 86_400 + 20 * 60));
        flush(cycle);
        for (int i = 0; i < 5 && !Long.toString(DAY3 + 86_400).equals(redis.get(RollupKeys.DAYS.next())); i++) {
          await(rollup.round());
        }
        assertThat(redis.get(RollupKeys.DAYS.next())).as("2026-03-03 rolled").isEqualTo(Long.toString(DAY3 + 86_400));
        assertSame(clickhouse, redis, "with a day rolled");
        assertThat(days(clickhouse)).hasSize(1);
        at(clock, Instant.ofEpochSecond(DAY3 + 10 * 3600 + 20), () -> traffic(service, articles.get(4), "p", 4, 0, 0));
        flush(cycle);
        HourRollup.Result again = await(rollup.round());
        assertThat(again.hoursRolled()).isEqualTo(1);
        assertThat(again.daysRolled()).as("the hour's day rolled again").isEqualTo(1);
        assertSame(clickhouse, redis, "after a late batch into a rolled day");
        assertTotals(clickhouse, service, articles, "everything");

        // The panel, as Grafana sends it, over a range that is not hour-aligned: whole rolled hours inside it.
        long from = H11 - 1800;
        long to = DAY3 + 86_400 + 25 * 60;
        List<String> panel = panel(from, to);
        assertThat(panel).as("the panel over 2026-03-02 10:30 to 03-04 00:25").hasSize(articles.size())
            .isEqualTo(rowSums(clickhouse, H11, DAY3 + 86_400));
        assertThat(panel(H11 + 2 * 3600 + 600, DAY3 + 11 * 3600 - 1))
            .as("13:10 to 10:59:59 next day: 14:00 to 10:00, hours only").isNotEmpty()
            .isEqualTo(rowSums(clickhouse, H11 + 3 * 3600, DAY3 + 10 * 3600));

        // Two days on, the copy's 2026-03-02 is dropped; an insert into its 11:00 found later (a catch-up)
        // re-rolls that hour from the rows table.
        clock.set(Instant.ofEpochSecond(DAY3 + 2 * 86_400 + 20 * 60));
        for (int i = 0; i < 5 && !Long.toString(DAY3 + 2 * 86_400).equals(redis.get(RollupKeys.DAYS.next())); i++) {
          await(rollup.round());
        }
        assertThat(redis.get(RollupKeys.COPY_FROM)).as("the copy keeps 03-03 on").isEqualTo(Long.toString(DAY3));
        assertThat(count(clickhouse, RollupSchema.RECENT_TABLE, H11, DAY3)).as("03-02 dropped from the copy").isZero();
        assertThat(count(clickhouse, Schema.ROWS_TABLE, H11, DAY3)).as("and kept in the rows").isPositive();
        await(clickhouse.insertJsonEachRow(Schema.ROWS_TABLE, List.of(new JsonObject().put("article_id", articles.get(2))
            .put("minute", H11 + 120).put("generation", 7).put("views", 11).put("likes", 1).put("shares", 0)
            .put("previews", 2).put("version", 1_000))));
        await(HourMarks.mark(connection.async(), RollupKeys.HOURS, List.of(H11 + 120), context));
        List<String> beforeCatchUp = hours(clickhouse);
        await(rollup.round());
        assertSame(clickhouse, redis, "after an insert into an hour the copy no longer has");
        assertThat(hours(clickhouse)).isNotEqualTo(beforeCatchUp);
      }
    } finally {
      clickhouse.close();
      await(vertx.close());
    }
  }

  /**
   * Hour by hour and day by day, the roll-up's tables equal the rows' sums through FINAL over every rolled
   * period, with no mark pending.
   */
  private static void assertSame(ClickHouseClient clickhouse, RedisClusterCommands<String, String> redis, String when) {
    assertThat(redis.hlen(RollupKeys.HOURS.marks())).as(when + ": hour marks pending").isZero();
    assertThat(redis.hlen(RollupKeys.DAYS.marks())).as(when + ": day marks pending").isZero();
    long first = Long.parseLong(redis.get(RollupKeys.HOURS.first()));
    long next = Long.parseLong(redis.get(RollupKeys.HOURS.next()));
    assertThat(hours(clickhouse)).as(when + ": hours").isNotEmpty()
        .isEqualTo(rowsPer(clickhouse, 3600, first, next));
    String daysNext = redis.get(RollupKeys.DAYS.next());
    if (daysNext != null) {
      long dayFirst = Long.parseLong(redis.get(RollupKeys.DAYS.first()));
      assertThat(days(clickhouse)).as(when + ": days").isEqualTo(rowsPer(clickhouse, 86_400, dayFirst,
          Long.parseLong(daysNext)));
    }
  }

  /** Over all rolled hours, the articles' sums equal Redis' totals (all their traffic is in rolled hours). */
  private static void assertTotals(ClickHouseClient clickhouse, RunningService service, List<String> articles,
      String when) {
    for (String article : articles) {
      String[] sums = await(clickhouse.queryTabSeparated("SELECT sum(views), sum(likes), sum(shares), sum(previews) "
          + "FROM " + DATABASE + "." + RollupSchema.HOURS_TABLE + " FINAL WHERE article_id = " + Schema.quote(article)
          + " FORMAT TabSeparated")).get(0);
      assertThat(List.of(sums)).as(when + ": " + article + " against Redis")
          .isEqualTo(redisTotals(service, article).stream().map(String::valueOf).toList());
    }
  }

  private static long count(ClickHouseClient clickhouse, String table, long from, long to) {
    return Long.parseLong(await(clickhouse.queryTabSeparated("SELECT count() FROM " + DATABASE + "." + table
        + " WHERE minute >= toDateTime(" + from + ") AND minute < toDateTime(" + to + ") FORMAT TabSeparated"))
        .get(0)[0]);
  }

  private static List<String> hours(ClickHouseClient clickhouse) {
    return hoursWithVersions(clickhouse).stream().map(line -> line.substring(0, line.lastIndexOf(' '))).toList();
  }

  private static List<String> hoursWithVersions(ClickHouseClient clickhouse) {
    return lines(clickhouse, "SELECT toUInt32(hour), article_id, views, likes, shares, previews, version FROM "
        + DATABASE + "." + RollupSchema.HOURS_TABLE + " FINAL ORDER BY hour, article_id", 7);
  }

  private static List<String> days(ClickHouseClient clickhouse) {
    return lines(clickhouse, "SELECT toUInt32(day), article_id, views, likes, shares, previews, version FROM "
        + DATABASE + "." + RollupSchema.DAYS_TABLE + " FINAL ORDER BY day, article_id", 6);
  }

  /** The rows' sums through FINAL per period of {@code seconds} and article, in [from, to). */
  private static List<String> rowsPer(ClickHouseClient clickhouse, long seconds, long from, long to) {
    return lines(clickhouse, "SELECT intDiv(toUInt32(minute), " + seconds + ") * " + seconds + " AS p, article_id, "
        + "sum(views), sum(likes), sum(shares), sum(previews) FROM " + DATABASE + "." + Schema.ROWS_TABLE + " FINAL "
        + "WHERE minute >= toDateTime(" + from + ") AND minute < toDateTime(" + to + ") "
        + "GROUP BY p, article_id ORDER BY p, article_id", 6);
  }

  /** The rows' sums through FINAL per article in [from, to), as the panel orders them, with that range. */
  private static List<String> rowSums(ClickHouseClient clickhouse, long from, long to) {
    return lines(clickhouse, "SELECT article_id AS article, sum(views) AS views, sum(likes), sum(shares), "
        + "sum(previews), toDateTime(" + from + ", 'UTC'), toDateTime(" + to + ", 'UTC') FROM " + DATABASE + "."
        + Schema.ROWS_TABLE + " FINAL WHERE minute >= toDateTime(" + from + ") AND minute < toDateTime(" + to
        + ") GROUP BY article_id ORDER BY views DESC, article_id LIMIT 25", 7);
  }

  /** The top-articles panel's SQL from the dashboard, its macros expanded as Grafana would. */
  private List<String> panel(long from, long to) {
    List<Dashboards.Query> top = Dashboards.clickhouseQueries().stream()
        .filter(q -> q.panel().startsWith("Top articles")).toList();
    assertThat(top).hasSize(1);
    Vertx vertx = Vertx.vertx();
    ClickHouseClient clickhouse = TestStores.clickhouse(vertx, DATABASE);
    try {
      return lines(clickhouse, Dashboards.clickhouseForEvaluation(top.get(0).text(), DATABASE, from, to, ""), 7);
    } finally {
      clickhouse.close();
      await(vertx.close());
    }
  }

  private static List<String> lines(ClickHouseClient clickhouse, String sql, int columns) {
    return await(clickhouse.queryTabSeparated(sql + " FORMAT TabSeparated")).stream()
        .map(r -> String.join(" ", List.of(r).subList(0, columns))).toList();
  }

  /** A line of {@link #hours} (with its version) as VALUES for the hours table. */
  private static String asValues(String line) {
    String[] c = line.split(" ");
    return "(toDateTime(" + c[0] + "), " + Schema.quote(c[1]) + ", " + c[2] + ", " + c[3] + ", " + c[4] + ", " + c[5]
        + ", " + c[6] + ")";
  }
}
