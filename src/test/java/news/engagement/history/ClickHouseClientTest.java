package news.engagement.history;

import static news.engagement.testing.RunningService.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP client against the real ClickHouse: DDL, JSONEachRow inserts, both query formats, errors. */
class ClickHouseClientTest {
  private static final String DATABASE = "history_client_test";

  private static Vertx vertx;
  private static ClickHouseClient clickhouse;

  @BeforeAll
  static void schema() {
    vertx = Vertx.vertx();
    clickhouse = TestStores.clickhouse(vertx, DATABASE);
    await(clickhouse.execute(TestStores.dropDatabase(DATABASE)));
    for (String statement : Schema.create(TestStores.clickhouseLayout(), DATABASE)) {
      await(clickhouse.execute(statement));
    }
    // Idempotent: running the whole schema again changes nothing.
    for (String statement : Schema.create(TestStores.clickhouseLayout(), DATABASE)) {
      await(clickhouse.execute(statement));
    }
  }

  @AfterAll
  static void close() {
    clickhouse.close();
    await(vertx.close());
  }

  @Test
  void insertsRowsAndReadsThemBackInBothFormats() {
    await(clickhouse.insertJsonEachRow(Schema.ROWS_TABLE, List.of(
        row("news/a's", 1767261600L, 3, -1, 1),
        row("news/a's", 1767261600L, 5, -2, 2),
        row("news/a's", 1767261660L, 1, 1, 1))));
    String where = " WHERE article_id = " + Schema.quote("news/a's");

    List<JsonObject> rows = await(clickhouse.queryJsonEachRow("SELECT toUInt32(minute) AS minute, views, likes FROM "
        + DATABASE + "." + Schema.VIEW + where + " ORDER BY minute FORMAT JSONEachRow"));
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).getLong("minute")).isEqualTo(1767261600L);
    assertThat(rows.get(0).getLong("views")).as("newest version wins").isEqualTo(5L);
    assertThat(rows.get(0).getLong("likes")).isEqualTo(-2L);

    List<String[]> sums = await(clickhouse.queryTabSeparated("SELECT sum(views), sum(likes) FROM "
        + DATABASE + "." + Schema.VIEW + where + " FORMAT TabSeparated"));
    assertThat(sums.get(0)).containsExactly("6", "-1");
  }

  @Test
  void aRejectedStatementFailsWithClickHousesMessage() {
    assertThatThrownBy(() -> await(clickhouse.execute("SELECT no_such_column FROM " + DATABASE + "."
        + Schema.ROWS_TABLE)))
        .hasRootCauseInstanceOf(ClickHouseClient.ClickHouseException.class)
        .rootCause().hasMessageContaining("no_such_column");
    assertThat(await(clickhouse.ping())).isTrue();
  }

  private static JsonObject row(String article, long minute, long views, long likes, long version) {
    return new JsonObject().put("article_id", article).put("minute", minute).put("generation", 0).put("views", views)
        .put("likes", likes).put("shares", 0).put("previews", 0).put("version", version);
  }
}
