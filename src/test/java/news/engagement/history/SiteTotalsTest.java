package news.engagement.history;

import static news.engagement.history.HistoryTesting.article;
import static news.engagement.history.HistoryTesting.at;
import static news.engagement.history.HistoryTesting.flush;
import static news.engagement.history.HistoryTesting.dirtyMinutes;
import static news.engagement.history.HistoryTesting.redisTotals;
import static news.engagement.history.HistoryTesting.traffic;
import static news.engagement.testing.RunningService.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import news.engagement.counting.Keys;
import news.engagement.testing.MutableClock;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestRedis;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.Test;

/**
 * The shards' per-minute totals ({@code site_engagement_minutes}, what site-wide panels read) equal the
 * article rows' sums minute by minute, and Redis' totals, through everything that rewrites a minute:
 * re-flushes of the open minute, the same flush inserted twice, a stale snapshot inserted after a newer
 * one (two flushers), a late batch joining its minute's generation, and late batches after retirement
 * (new generations). The service's own flusher is parked (1 h interval); the test drives read / insert /
 * ack by hand, as LateBatchTest does. Runs on one server and on the two-shard cluster.
 */
class SiteTotalsTest {
  private static final int REDIS_DB = 5;
  private static final String DATABASE = "history_site_totals_test";
  private static final Instant START = Instant.parse("2026-03-02T10:00:05Z");

  @Test
  void theShardsMinuteTotalsEqualTheArticleRowsThroughReflushesAndLateBatches() {
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
        FlushCycle cycle = new FlushCycle(connection.async(), service.service.keys(), clickhouse, clock,
            vertx.getOrCreateContext());
        Keys keys = service.service.keys();
        List<String> articles = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          articles.add(article("site-" + i));
        }
        Set<Integer> shards = articles.stream().map(keys::shardOf).collect(Collectors.toSet());
        assertThat(shards).as("the articles live on several shards").hasSizeGreaterThan(1);

        // The open minute, flushed again and again as it changes.
        for (int i = 0; i < articles.size(); i++) {
          traffic(service, articles.get(i), "a" + i, 3 + i, i % 3, i % 2);
        }
        HistoryTesting.previews(service, articles.get(0), 4);
        flush(cycle);
        traffic(service, articles.get(1), "b", 5, 1, 1);
        flush(cycle);
        assertSameTotals(clickhouse, service, articles, "after re-flushes of the open minute");

        // A snapshot read by a flusher that then stalls; a newer one written meanwhile; the stale one last.
        traffic(service, articles.get(2), "c", 2, 0, 0);
        FlushCycle.Snapshot stale = await(cycle.read());
        traffic(service, articles.get(2), "d", 7, 2, 0);
        FlushCycle.Snapshot fresh = await(cycle.read());
        await(cycle.insert(fresh));
        await(cycle.insert(fresh));
        await(cycle.ack(fresh));
        await(cycle.insert(stale));
        await(cycle.ack(stale));
        assertSameTotals(clickhouse, service, articles, "after a repeated insert and a stale snapshot");

        // The next minutes; then the first ones retire.
        clock.advance(Duration.ofMinutes(1));
        traffic(service, articles.get(3), "e", 4, 1, 0);
        traffic(service, articles.get(4), "f", 1, 0, 1);
        flush(cycle);
        clock.advance(Duration.ofMinutes(20));
        flush(cycle);
        long first = START.getEpochSecond() - START.getEpochSecond() % 60;
        for (int shard : shards) {
          assertThat(redis.hget(keys.minute(shard, first), "__gone")).as("10:00 retired on shard " + shard).isEqualTo("1");
        }

        // Batches made in 10:00 that reach Redis 21 minutes late: new generations of retired minutes.
        at(clock, START.plusSeconds(30), () -> {
          traffic(service, articles.get(0), "g", 6, 1, 1);
          traffic(service, articles.get(5), "h", 2, 0, 0);
        });
        flush(cycle);
        assertSameTotals(clickhouse, service, articles, "after late batches into retired minutes");

        // A batch five minutes late, before its minute is retired: it joins the minute's generation.
        traffic(service, articles.get(1), "i", 3, 0, 0);
        flush(cycle);
        Instant minuteOfThatBatch = clock.instant();
        clock.advance(Duration.ofMinutes(5));
        at(clock, minuteOfThatBatch.plusSeconds(20), () -> traffic(service, articles.get(1), "j", 8, 1, 1));
        FlushCycle.Snapshot late = await(cycle.read());
        assertThat(late.minutes()).allSatisfy(m -> assertThat(m.generation()).isZero());
        await(cycle.insert(late));
        await(cycle.ack(late));
        // And once more after retirement: a second late generation of 10:00.
        clock.advance(Duration.ofMinutes(20));
        flush(cycle);
        at(clock, START.plusSeconds(40), () -> traffic(service, articles.get(0), "k", 2, 0, 0));
        flush(cycle);
        flush(cycle);
        assertThat(dirtyMinutes(redis)).isZero();
        assertSameTotals(clickhouse, service, articles, "at the end");
        assertThat(siteRowsOf(clickhouse, first)).as("10:00's shards' rows over three generations")
            .isGreaterThanOrEqualTo(shards.size() + 2);
      }
    } finally {
      clickhouse.close();
      await(vertx.close());
    }
  }

  /**
   * Per minute, the shards' totals equal the article rows' sums (both through FINAL, the generations
   * added), and over all minutes they equal Redis' totals of the articles.
   */
  private static void assertSameTotals(ClickHouseClient clickhouse, RunningService service, List<String> articles,
      String when) {
    List<String> site = perMinute(clickhouse, Schema.SITE_TABLE);
    assertThat(site).as(when + ": the shards' totals per minute").isNotEmpty()
        .isEqualTo(perMinute(clickhouse, Schema.ROWS_TABLE));
    long[] redisSum = new long[4];
    for (String article : articles) {
      List<Long> totals = redisTotals(service, article);
      for (int c = 0; c < 4; c++) {
        redisSum[c] += totals.get(c);
      }
    }
    String[] all = await(clickhouse.queryTabSeparated("SELECT sum(views), sum(likes), sum(shares), sum(previews) FROM "
        + DATABASE + "." + Schema.SITE_TABLE + " FINAL FORMAT TabSeparated")).get(0);
    assertThat(List.of(all)).as(when + ": the shards' totals against Redis")
        .isEqualTo(List.of(Long.toString(redisSum[0]), Long.toString(redisSum[1]), Long.toString(redisSum[2]),
            Long.toString(redisSum[3])));
  }

  private static List<String> perMinute(ClickHouseClient clickhouse, String table) {
    return await(clickhouse.queryTabSeparated("SELECT toUInt32(minute) AS m, sum(views), sum(likes), sum(shares), "
        + "sum(previews) FROM " + DATABASE + "." + table + " FINAL GROUP BY m ORDER BY m FORMAT TabSeparated"))
        .stream().map(r -> String.join(" ", r)).toList();
  }

  private static long siteRowsOf(ClickHouseClient clickhouse, long minute) {
    return Long.parseLong(await(clickhouse.queryTabSeparated("SELECT count() FROM " + DATABASE + "."
        + Schema.SITE_TABLE + " FINAL WHERE minute = toDateTime(" + minute + ") FORMAT TabSeparated")).get(0)[0]);
  }
}
