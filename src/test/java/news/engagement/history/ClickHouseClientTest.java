package news.engagement.history;

import static news.engagement.testing.RunningService.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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

  /**
   * A body far larger than one piece is streamed whole (many pieces, the connection's back-pressure in
   * between), cut at its byte bound counted in UTF-8 (ids in Cyrillic: two bytes a letter), and the next
   * body starts where the last one stopped: every row arrives once.
   */
  @Test
  void streamedBodiesOfManyPiecesArriveWholeWithinTheirByteBound() {
    long minute = 1767265200L;
    List<HistoryRow> rows = new ArrayList<>();
    for (int i = 0; i < 40_000; i++) {
      rows.add(new HistoryRow("статья-" + i, minute, 0, i % 7, 0, 0, 0, 1));
    }
    long maxBytes = 1 << 20;
    Context context = vertx.getOrCreateContext();
    List<Long> bodies = new ArrayList<>();
    int from = 0;
    while (from < rows.size()) {
      JsonLinesBody<HistoryRow> body = new JsonLinesBody<>(context, rows, from, 50_000, maxBytes,
          HistoryRow::appendJsonLine);
      Promise<Void> sent = Promise.promise();
      context.runOnContext(v -> clickhouse.insertJsonLines(Schema.ROWS_TABLE, body).onComplete(sent));
      await(sent.future());
      StringBuilder expected = new StringBuilder();
      rows.subList(from, body.end()).forEach(r -> r.appendJsonLine(expected));
      assertThat(body.bytes()).as("the body's bytes as sent").isEqualTo(expected.toString()
          .getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(maxBytes)
          .isGreaterThan(body.end() < rows.size() ? maxBytes - 200 : 0);
      if (body.end() < rows.size()) {
        assertThat(body.bytes()).as("many pieces").isGreaterThan(4L * JsonLinesBody.PIECE_BYTES);
      }
      bodies.add(body.bytes());
      from = body.end();
    }
    assertThat(bodies).as("cut by bytes, not by rows").hasSizeGreaterThan(3);
    String[] stored = await(clickhouse.queryTabSeparated("SELECT count(), sum(views), uniqExact(article_id) FROM "
        + DATABASE + "." + Schema.ROWS_TABLE + " WHERE minute = toDateTime(" + minute + ") FORMAT TabSeparated")).get(0);
    assertThat(stored).containsExactly("40000", Long.toString(rows.stream().mapToLong(HistoryRow::views).sum()),
        "40000");
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

  @Test
  void aDistributedDdlLeftToAnAbsentNodeCountsAsQueuedOtherTimeoutsDoNot() {
    // Answers as ClickHouse gives them (18.16 from the local cluster with a node killed; 25.10 as reported).
    assertThat(ClickHouseClient.queuedForAbsentNodes(new ClickHouseClient.ClickHouseException(500, "Code: 159, "
        + "e.displayText() = DB::Exception: Watching task /clickhouse/task_queue/ddl/query-0000000002 is executing "
        + "longer than distributed_ddl_task_timeout (=2) seconds. There are 1 unfinished hosts (0 of them are "
        + "currently active), they are going to execute the query in background, e.what() = DB::Exception"))).isTrue();
    assertThat(ClickHouseClient.queuedForAbsentNodes(new ClickHouseClient.ClickHouseException(500, "Code: 159. "
        + "DB::Exception: Distributed DDL task /clickhouse/task_queue/ddl/query-0000000000 is not finished on 1 of 3 "
        + "hosts (0 of them are currently executing the task, 0 are inactive). They are going to execute the query "
        + "in background."))).isTrue();
    assertThat(ClickHouseClient.queuedForAbsentNodes(new ClickHouseClient.ClickHouseException(500, "Code: 159, "
        + "e.displayText() = DB::Exception: Timeout exceeded: elapsed 1.000143 seconds, maximum: 1"))).isFalse();
    assertThat(ClickHouseClient.queuedForAbsentNodes(new ClickHouseClient.ClickHouseException(500, "Code: 57, "
        + "e.displayText() = DB::Exception: Table t.a already exists"))).isFalse();
    assertThat(ClickHouseClient.queuedForAbsentNodes(new IllegalStateException("Code: 159 Watching task"))).isFalse();
  }
}
