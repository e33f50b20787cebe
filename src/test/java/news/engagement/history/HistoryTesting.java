package news.engagement.history;

import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import news.engagement.counting.Keys;
import news.engagement.testing.MutableClock;
import news.engagement.testing.RunningService;

/** Traffic, sums and waiting, shared by the history tests. Test threads only. */
final class HistoryTesting {
  static final String PREVIEW_UA = "TelegramBot (like TwitterBot)";

  private HistoryTesting() {
  }

  static String article(String name) {
    return name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static String vid(String prefix, int i) {
    return String.format("%s-%06d", prefix, i);
  }

  /** Sends {@code views} views from distinct visitors, and likes, an unlike and shares. */
  static void traffic(RunningService service, String article, String visitors, int views, int likes, int shares) {
    JsonArray events = new JsonArray();
    for (int i = 0; i < views; i++) {
      events.add(event("view", article, vid(visitors, i)));
    }
    for (int i = 0; i < likes; i++) {
      events.add(event("like", article, vid(visitors, i)));
    }
    if (likes > 0) {
      events.add(event("unlike", article, vid(visitors, 0)));
    }
    for (int i = 0; i < shares; i++) {
      events.add(event("share", article, vid(visitors, i)).put("network", i % 2 == 0 ? "telegram" : "copy"));
    }
    post(service, events, RunningService.BROWSER_UA);
  }

  /** One view of each article, from visitors named after {@code visitors}, in one request. */
  static void oneViewEach(RunningService service, String visitors, List<String> articles) {
    JsonArray events = new JsonArray();
    for (int i = 0; i < articles.size(); i++) {
      events.add(event("view", articles.get(i), vid(visitors, i)));
    }
    post(service, events, RunningService.BROWSER_UA);
  }

  static void previews(RunningService service, String article, int n) {
    JsonArray events = new JsonArray();
    for (int i = 0; i < n; i++) {
      events.add(new JsonObject().put("type", "view").put("article", article));
    }
    post(service, events, PREVIEW_UA);
  }

  private static void post(RunningService service, JsonArray events, String userAgent) {
    for (int from = 0; from < events.size(); from += 100) {
      JsonArray chunk = new JsonArray(events.getList().subList(from, Math.min(events.size(), from + 100)));
      assertThat(service.postEvents(chunk.encode(), userAgent).statusCode()).isEqualTo(202);
    }
    service.awaitApplied();
  }

  private static JsonObject event(String type, String article, String vid) {
    return new JsonObject().put("type", type).put("article", article).put("vid", vid);
  }

  /** [views, likes, shares, previews] as Redis has them ({@code GET /v1/articles?ids=}, which takes ids with '/'). */
  static List<Long> redisTotals(RunningService service, String article) {
    service.awaitApplied();
    HttpResponse<Buffer> response = service.get("/v1/articles?ids=" + URLEncoder.encode(article, StandardCharsets.UTF_8));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonObject stats = response.bodyAsJsonObject().getJsonArray("articles").getJsonObject(0);
    return List.of(stats.getLong("views"), stats.getLong("likes"),
        stats.getJsonObject("shares").getLong("total"), stats.getLong("previews"));
  }

  /** [views, likes, shares, previews] summed over the {@code article_engagement} view. */
  static List<Long> clickhouseSums(ClickHouseClient clickhouse, String article) {
    List<String[]> rows = RunningService.await(clickhouse.queryTabSeparated(
        "SELECT sum(views), sum(likes), sum(shares), sum(previews) FROM " + clickhouse.database() + "."
            + Schema.VIEW + " WHERE article_id = " + Schema.quote(article) + " FORMAT TabSeparated"));
    String[] row = rows.get(0);
    return List.of(Long.parseLong(row[0]), Long.parseLong(row[1]), Long.parseLong(row[2]), Long.parseLong(row[3]));
  }

  /** Rows stored for the article, before ReplacingMergeTree collapses versions (shows repeated inserts landed). */
  static long rawRows(ClickHouseClient clickhouse, String article) {
    return Long.parseLong(RunningService.await(clickhouse.queryTabSeparated(
        "SELECT count() FROM " + clickhouse.database() + "." + Schema.ROWS_TABLE + " WHERE article_id = "
            + Schema.quote(article) + " FORMAT TabSeparated")).get(0)[0]);
  }

  /** Dirty minutes over all shards (a minute with articles on two shards counts twice). */
  static long dirtyMinutes(RedisClusterCommands<String, String> redis) {
    Keys keys = new Keys(Keys.DEFAULT_SHARDS);
    long n = 0;
    for (int shard = 0; shard < keys.shards(); shard++) {
      n += redis.zcard(keys.dirtyMinutes(shard));
    }
    return n;
  }

  /** One flush by hand: read, insert (which marks rolled hours it changed), acknowledge. */
  static void flush(FlushCycle cycle) {
    FlushCycle.Snapshot snapshot = RunningService.await(cycle.read());
    RunningService.await(cycle.insert(snapshot));
    RunningService.await(cycle.ack(snapshot));
  }

  /** Runs traffic whose batches are stamped at {@code when} (the batcher's clock), then restores the clock. */
  static void at(MutableClock clock, Instant when, Runnable traffic) {
    Instant now = clock.instant();
    clock.set(when);
    try {
      traffic.run();
    } finally {
      clock.set(now);
    }
  }

  static void await(String what, Duration limit, BooleanSupplier condition) {
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + limit + ": " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    if (tookMillis >= 2_000) {
      // Where a slow test spends its time (the suite's run time is watched).
      System.out.printf("await \"%s\" took %.1f s%n", what, tookMillis / 1000.0);
    }
  }
}
