package news.engagement.history;

import static news.engagement.testing.RunningService.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.util.List;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The first layout (no generation column) is migrated at start-up, keeping its rows; twice is once. */
class SchemaMigrationTest {
  private static final String DATABASE = "history_migration_test";
  private static Vertx vertx;
  private static ClickHouseClient clickhouse;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    clickhouse = TestStores.clickhouse(vertx, DATABASE);
  }

  @AfterAll
  static void close() {
    clickhouse.close();
    await(vertx.close());
  }

  @Test
  void theFirstLayoutsRowsAreKeptAndTheViewKeepsItsContract() {
    await(clickhouse.execute("DROP DATABASE IF EXISTS " + DATABASE));
    // What the previous version of Schema created, with rows of two flushes of one minute.
    await(clickhouse.execute("CREATE DATABASE " + DATABASE));
    await(clickhouse.execute("CREATE TABLE " + DATABASE + ".article_engagement_minutes (article_id String, "
        + "minute DateTime, views UInt64, likes Int64, shares UInt64, previews UInt64, version UInt64) "
        + "ENGINE = ReplacingMergeTree(version) PARTITION BY toYYYYMM(minute) ORDER BY (article_id, minute)"));
    await(clickhouse.execute("CREATE VIEW " + DATABASE + ".article_engagement AS SELECT article_id, minute, views, "
        + "likes, shares, previews FROM " + DATABASE + ".article_engagement_minutes FINAL"));
    await(clickhouse.execute("INSERT INTO " + DATABASE + ".article_engagement_minutes VALUES "
        + "('old', toDateTime(1767261600), 3, 1, 0, 0, 1), ('old', toDateTime(1767261600), 5, 1, 1, 2, 2), "
        + "('old', toDateTime(1767261660), 4, -1, 0, 0, 3)"));

    install();
    assertThat(sums("old")).isEqualTo(List.of("9", "0", "1", "2"));
    assertThat(exists(Schema.LEGACY_TABLE)).isFalse();
    assertThat(exists(Schema.MIGRATED_TABLE)).as("the old rows kept aside").isTrue();

    // An instance of the previous version restarted during the upgrade creates the old table again and
    // flushes into it; the next start of this version takes those rows too.
    await(clickhouse.execute("CREATE TABLE " + DATABASE + ".article_engagement_minutes AS " + DATABASE + "."
        + Schema.MIGRATED_TABLE));
    await(clickhouse.execute("INSERT INTO " + DATABASE + ".article_engagement_minutes VALUES "
        + "('old', toDateTime(1767261660), 6, -1, 0, 0, 4)"));
    install();
    install();
    assertThat(sums("old")).isEqualTo(List.of("11", "0", "1", "2"));
    assertThat(await(clickhouse.queryTabSeparated("SELECT name, type FROM system.columns WHERE database = '"
        + DATABASE + "' AND table = '" + Schema.VIEW + "' FORMAT TabSeparated")))
        .extracting(r -> r[0] + " " + r[1])
        .containsExactly("article_id String", "minute DateTime", "views UInt64", "likes Int64", "shares UInt64",
            "previews UInt64");
  }

  private static void install() {
    SchemaInstaller installer = new SchemaInstaller(vertx, clickhouse);
    await(installer.start());
    assertThat(installer.installed()).isTrue();
  }

  private static List<String> sums(String article) {
    return List.of(await(clickhouse.queryTabSeparated("SELECT sum(views), sum(likes), sum(shares), sum(previews) FROM "
        + DATABASE + "." + Schema.VIEW + " WHERE article_id = " + Schema.quote(article) + " FORMAT TabSeparated"))
        .get(0));
  }

  private static boolean exists(String table) {
    return "1".equals(await(clickhouse.queryTabSeparated(Schema.exists(DATABASE, table))).get(0)[0]);
  }
}
