package news.engagement.presence;

import static news.engagement.testing.RunningService.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import news.engagement.history.ClickHouseClient;
import news.engagement.history.ClickHouseLayout;
import news.engagement.history.Schema;
import news.engagement.testing.MutableClock;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code article_engagement} gains {@code engaged_seconds} and {@code engaged_visitors} at start-up on a
 * database of the previous layouts, keeping every row; a second start keeps the extended view (history's
 * installer does not put its own back). On the ClickHouse the tests run (18.16).
 */
class EngagementViewMigrationTest {
  private static final int REDIS_DB = 5;
  private static final String DATABASE = "presence_migration_test";
  private static Vertx vertx;
  private static ClickHouseClient clickhouse;

  @BeforeAll
  static void stores() {
    vertx = Vertx.vertx();
    clickhouse = new ClickHouseClient(vertx, TestStores.clickhouseUrl(), DATABASE, "default", "");
  }

  @AfterAll
  static void closeStores() {
    clickhouse.close();
    await(vertx.close());
  }

  @Test
  void theFirstStepsLayoutKeepsItsRowsAndTheViewGainsTheEngagedColumns() {
    await(clickhouse.execute("DROP DATABASE IF EXISTS " + DATABASE));
    // What the previous version created: history's rows and plain view, engaged minutes and the join view.
    execute("CREATE DATABASE " + DATABASE);
    execute("CREATE TABLE " + DATABASE + ".article_engagement_rows (article_id String, minute DateTime, "
        + "generation UInt64, views UInt64, likes Int64, shares UInt64, previews UInt64, version UInt64) "
        + "ENGINE = ReplacingMergeTree(version) PARTITION BY toYYYYMM(minute) ORDER BY (article_id, minute, generation)");
    execute("CREATE VIEW " + DATABASE + ".article_engagement AS SELECT article_id, minute, views, likes, shares, "
        + "previews FROM " + DATABASE + ".article_engagement_rows FINAL");
    execute("INSERT INTO " + DATABASE + ".article_engagement_rows VALUES "
        + "('old', toDateTime(1767261600), 0, 3, 1, 0, 0, 1), ('old', toDateTime(1767261600), 0, 5, 1, 1, 2, 2), "
        + "('old', toDateTime(1767261600), 1, 2, 0, 0, 0, 1)");
    for (String sql : PresenceSchema.create(DATABASE)) {
      execute(sql);
    }
    execute("CREATE VIEW " + DATABASE + ".article_engagement_presence AS SELECT article_id, minute, views, likes, "
        + "shares, previews, engaged_seconds, engaged_visitors FROM " + DATABASE + ".article_engagement ANY LEFT JOIN "
        + DATABASE + ".article_presence USING (article_id, minute)");
    execute("INSERT INTO " + DATABASE + ".article_presence_minutes VALUES "
        + "('old', toDateTime(1767261600), 40, 2, 1), ('old', toDateTime(1767261600), 55, 3, 2), "
        + "('old', toDateTime(1767261660), 9, 1, 1), ('quiet', toDateTime(1767261660), 4, 1, 1)");

    startAndFlush();
    assertThat(columns()).containsExactly("article_id String", "minute DateTime", "views UInt64", "likes Int64",
        "shares UInt64", "previews UInt64", "engaged_seconds UInt64", "engaged_visitors UInt64");
    assertThat(sums("old")).containsExactly("7", "1", "1", "2", "64", "4");
    assertThat(sums("quiet")).as("engaged minutes without counted views are there too")
        .containsExactly("0", "0", "0", "0", "4", "1");
    assertThat(exists("article_engagement_presence")).as("the first step's join view is gone").isFalse();

    startAndFlush(); // a restart: history's installer keeps the extended view, nothing moves
    assertThat(columns()).contains("engaged_seconds UInt64", "engaged_visitors UInt64");
    assertThat(sums("old")).containsExactly("7", "1", "1", "2", "64", "4");
  }

  @Test
  void theOldestLayoutIsMigratedByHistoryAndExtendedByPresence() {
    await(clickhouse.execute("DROP DATABASE IF EXISTS " + DATABASE));
    execute("CREATE DATABASE " + DATABASE);
    execute("CREATE TABLE " + DATABASE + ".article_engagement_minutes (article_id String, minute DateTime, "
        + "views UInt64, likes Int64, shares UInt64, previews UInt64, version UInt64) "
        + "ENGINE = ReplacingMergeTree(version) PARTITION BY toYYYYMM(minute) ORDER BY (article_id, minute)");
    execute("CREATE VIEW " + DATABASE + ".article_engagement AS SELECT article_id, minute, views, likes, shares, "
        + "previews FROM " + DATABASE + ".article_engagement_minutes FINAL");
    execute("INSERT INTO " + DATABASE + ".article_engagement_minutes VALUES ('old', toDateTime(1767261600), 4, -1, 2, 0, 1)");

    startAndFlush();
    assertThat(columns()).contains("engaged_seconds UInt64", "engaged_visitors UInt64");
    assertThat(sums("old")).containsExactly("4", "-1", "2", "0", "0", "0");
  }

  /**
   * The swap presence runs (its statements, with ClickHouse's own layout) leaves no moment in which
   * {@code article_engagement} is missing: a reader querying it in a loop all along gets every answer.
   * Twenty swaps each way, between history's plain view and the extended one. (With the DROP then
   * CREATE it replaced, the reader got code 60 "doesn't exist": tried once by putting that back.)
   */
  @Test
  void aReaderNeverFindsTheViewMissingWhileItIsSwapped() throws Exception {
    await(clickhouse.execute("DROP DATABASE IF EXISTS " + DATABASE));
    ClickHouseLayout layout = TestStores.clickhouseLayout();
    for (String sql : Schema.create(layout, DATABASE)) {
      execute(sql);
    }
    for (String sql : PresenceSchema.create(layout, DATABASE)) {
      execute(sql);
    }
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest count = HttpRequest.newBuilder(URI.create(TestStores.clickhouseUrl() + "/"))
        .POST(HttpRequest.BodyPublishers.ofString("SELECT count() FROM " + DATABASE + ".article_engagement")).build();
    AtomicBoolean swapping = new AtomicBoolean(true);
    AtomicInteger answered = new AtomicInteger();
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    Thread reader = new Thread(() -> {
      while (swapping.get()) {
        try {
          HttpResponse<String> r = http.send(count, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
          if (r.statusCode() == 200) {
            answered.incrementAndGet();
          } else {
            failures.add(r.statusCode() + " " + r.body().strip());
          }
        } catch (Exception e) {
          failures.add(e.toString());
        }
      }
    }, "view-reader");
    reader.start();
    try {
      for (int i = 0; i < 20; i++) {
        for (String sql : PresenceSchema.replaceEngagementView(layout, DATABASE)) {
          execute(sql);
        }
        assertThat(columns()).contains("engaged_seconds UInt64");
        for (String sql : layout.replaceView(DATABASE, Schema.VIEW, Schema.viewSelect(DATABASE))) {
          execute(sql);
        }
        assertThat(columns()).doesNotContain("engaged_seconds UInt64");
      }
    } finally {
      swapping.set(false);
      reader.join();
    }
    assertThat(failures).as("answers the reader did not get").isEmpty();
    assertThat(answered.get()).as("reads during the swaps").isGreaterThan(40);
    assertThat(exists("article_engagement_next") || exists("article_engagement_old")).as("no leftovers").isFalse();
  }

  /** Starts the service on the database and runs presence's flush rounds until the view is extended. */
  private static void startAndFlush() {
    try (RunningService service = RunningService.start(REDIS_DB, MutableClock.at("2027-03-01T10:00:05Z"),
        Map.of("CLICKHOUSE_DATABASE", DATABASE, "PRESENCE_FLUSH_INTERVAL", "1h", "FLUSH_INTERVAL", "1h"))) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!columns().contains("engaged_seconds UInt64")) {
        assertThat(System.nanoTime()).as("article_engagement extended within 30 s").isLessThan(deadline);
        await(service.service.room(Presence.class).flushNow());
      }
      // History's installer copies a first-layout table while presence extends the view: wait for the copy
      // (the table is renamed away when it is done) before the service stops.
      while (exists("article_engagement_minutes") || exists("article_engagement_minutes_migrating")) {
        assertThat(System.nanoTime()).as("history's migration done within 30 s").isLessThan(deadline);
        await(service.service.room(Presence.class).flushNow());
      }
    }
  }

  private static void execute(String sql) {
    await(clickhouse.execute(sql));
  }

  private static List<String> columns() {
    return await(clickhouse.queryTabSeparated("SELECT name, type FROM system.columns WHERE database = '" + DATABASE
        + "' AND table = 'article_engagement' FORMAT TabSeparated")).stream().map(r -> r[0] + " " + r[1]).toList();
  }

  private static List<String> sums(String article) {
    return List.of(await(clickhouse.queryTabSeparated("SELECT sum(views), sum(likes), sum(shares), sum(previews), "
        + "sum(engaged_seconds), sum(engaged_visitors) FROM " + DATABASE + ".article_engagement WHERE article_id = '"
        + article + "' FORMAT TabSeparated")).get(0));
  }

  private static boolean exists(String table) {
    return "1".equals(await(clickhouse.queryTabSeparated("EXISTS TABLE " + DATABASE + "." + table
        + " FORMAT TabSeparated")).get(0)[0]);
  }
}
