package news.engagement.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import news.engagement.conversions.ConversionSchema;
import news.engagement.history.RollupSchema;
import news.engagement.history.Schema;
import news.engagement.presence.Presence;
import news.engagement.history.SourcesSchema;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every ClickHouse query of the dashboards, with the plugin's macros expanded as Grafana would, runs
 * against the real ClickHouse on a few known rows and returns what those rows say.
 */
class DashboardSqlTest {
  /** A database of this run's own: the test stores live in a temporary folder, so nothing is dropped. */
  private static final String DB = "obs_dashboard_sql_" + System.currentTimeMillis();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Instant FROM = Instant.parse("2026-02-07T10:00:00Z");
  private static final Instant TO = Instant.parse("2026-02-07T11:00:00Z");
  private static final String POPULAR = "2026-02-07-strategic-courtesy";
  private static final String QUIET = "2026-02-07-weather";

  @BeforeAll
  static void schemaAndRows() throws Exception {
    for (String statement : Schema.create(TestStores.clickhouseLayout(), DB)) {
      sql(statement);
    }
    // The roll-up's tables, before any row: the rows below reach its minute-ordered copy through the view.
    for (String statement : RollupSchema.create(TestStores.clickhouseLayout(), DB)) {
      sql(statement);
    }
    // (article, minute, views, likes, shares, previews, version); the first POPULAR row is replaced by
    // a newer version, as repeated flushes do; the last row lies outside the range.
    sql("INSERT INTO " + DB + "." + Schema.ROWS_TABLE
        + " (article_id, minute, views, likes, shares, previews, version) VALUES "
        + "('" + POPULAR + "', '2026-02-07 10:05:00', 1, 0, 0, 0, 1), "
        + "('" + POPULAR + "', '2026-02-07 10:05:00', 7, 2, 1, 4, 2), "
        + "('" + POPULAR + "', '2026-02-07 10:06:00', 5, -1, 2, 0, 3), "
        + "('" + QUIET + "', '2026-02-07 10:06:00', 3, 1, 0, 1, 4), "
        + "('" + QUIET + "', '2026-02-07 12:00:00', 100, 0, 0, 0, 5)");
    // The same minutes as the shards' totals (POPULAR on one shard, QUIET on another), as the flusher writes them.
    sql("INSERT INTO " + DB + "." + Schema.SITE_TABLE
        + " (minute, shard, generation, views, likes, shares, previews, version) VALUES "
        + "('2026-02-07 10:05:00', 'e0.0', 0, 1, 0, 0, 0, 1), "
        + "('2026-02-07 10:05:00', 'e0.0', 0, 7, 2, 1, 4, 2), "
        + "('2026-02-07 10:06:00', 'e0.0', 0, 5, -1, 2, 0, 3), "
        + "('2026-02-07 10:06:00', 'e1.0', 0, 3, 1, 0, 1, 4), "
        + "('2026-02-07 12:00:00', 'e1.0', 0, 100, 0, 0, 0, 5)");
    // Engaged time (presence): article_engagement gains its columns; a newer version replaces the first row.
    for (String statement : Presence.clickhouseSchema(TestStores.clickhouseLayout(), DB)) {
      sql(statement);
    }
    sql("INSERT INTO " + DB + ".article_presence_minutes (article_id, minute, engaged_seconds, engaged_visitors, "
        + "version) VALUES "
        + "('" + POPULAR + "', '2026-02-07 10:05:00', 30, 2, 1), "
        + "('" + POPULAR + "', '2026-02-07 10:05:00', 90, 3, 2), "
        + "('" + QUIET + "', '2026-02-07 10:06:00', 20, 1, 1), "
        + "('" + QUIET + "', '2026-02-07 12:00:00', 500, 9, 1)");

    for (String statement : SourcesSchema.create(TestStores.clickhouseLayout(), DB)) {
      sql(statement);
    }
    // The same views by source; POPULAR's google row of 10:05 replaced by a newer version as well.
    sql("INSERT INTO " + DB + "." + SourcesSchema.ROWS_TABLE
        + " (article_id, minute, generation, medium, source, views, version) VALUES "
        + "('" + POPULAR + "', '2026-02-07 10:05:00', 0, 'search', 'google', 1, 1), "
        + "('" + POPULAR + "', '2026-02-07 10:05:00', 0, 'search', 'google', 5, 2), "
        + "('" + POPULAR + "', '2026-02-07 10:05:00', 0, 'direct', 'direct', 2, 2), "
        + "('" + POPULAR + "', '2026-02-07 10:06:00', 0, 'messenger', 'telegram', 5, 3), "
        + "('" + QUIET + "', '2026-02-07 10:06:00', 0, 'search', 'google', 3, 4), "
        + "('" + QUIET + "', '2026-02-07 12:00:00', 0, 'direct', 'direct', 100, 5)");

    for (String statement : ConversionSchema.create(TestStores.clickhouseLayout(), DB)) {
      sql(statement);
    }
    // (article, minute, kind, name, count, version): the first follow row is replaced by a newer version.
    sql("INSERT INTO " + DB + "." + ConversionSchema.TABLE + " (article_id, minute, kind, name, count, version) VALUES "
        + "('" + POPULAR + "', '2026-02-07 10:05:00', 'conversion', 'telegram_follow', 1, 1), "
        + "('" + POPULAR + "', '2026-02-07 10:05:00', 'conversion', 'telegram_follow', 3, 2), "
        + "('" + POPULAR + "', '2026-02-07 10:06:00', 'conversion', 'newsletter', 1, 3), "
        + "('" + QUIET + "', '2026-02-07 10:06:00', 'conversion', 'telegram_follow', 2, 4), "
        + "('" + POPULAR + "', '2026-02-07 10:05:00', 'outbound', 't.me', 2, 2), "
        + "('" + QUIET + "', '2026-02-07 10:06:00', 'outbound', 'youtube.com', 5, 4), "
        + "('" + QUIET + "', '2026-02-07 10:06:00', 'outbound', 't.me', 1, 4), "
        + "('" + QUIET + "', '2026-02-07 12:00:00', 'outbound', 'other', 50, 5)");

    // The hours 10:00 and 12:00 rolled up as the roll-up does it, and recorded as rolled: what the
    // top-articles panel reads for the range 10:00 to 11:00 (12:00 lies outside it).
    for (long hour : new long[] {FROM.getEpochSecond(), FROM.getEpochSecond() + 7200}) {
      sql(RollupSchema.rollHour(DB, hour));
      sql(RollupSchema.rolled(DB, "hour", hour, 1));
    }
  }

  @Test
  void engagedTimeIsChartedPerMinuteWithItsAveragePerEngagedVisitor() throws Exception {
    JsonArray rows = select(expand(only("Engaged time per minute").text()));
    assertThat(rows).hasSize(2);
    assertThat(number(rows.getJsonObject(0), "engaged_seconds_per_minute")).isEqualTo(90);
    assertThat(number(rows.getJsonObject(0), "seconds_per_engaged_visitor")).isEqualTo(30);
    assertThat(number(rows.getJsonObject(1), "engaged_seconds_per_minute")).isEqualTo(20);
    // The counts are untouched by the engaged rows beside them.
    JsonObject totals = select(expand(only("Totals").text())).getJsonObject(0);
    assertThat(number(totals, "views")).isEqualTo(15);
  }

  @Test
  void trafficSourcesAddUpToTheViews() throws Exception {
    JsonArray site = select(expand(only("Traffic sources").text()));
    assertThat(site).hasSize(3);
    assertThat(site.getJsonObject(0).getString("source")).isEqualTo("google");
    assertThat(number(site.getJsonObject(0), "views")).isEqualTo(8);
    double sum = 0;
    for (int i = 0; i < site.size(); i++) {
      sum += number(site.getJsonObject(i), "views");
    }
    assertThat(sum).as("the views of the Totals panel").isEqualTo(15);
    JsonArray article = select(expand(only("Sources of article").text()));
    assertThat(article).hasSize(3);
    assertThat(number(article.getJsonObject(0), "views")).isEqualTo(5);
  }

  @Test
  void conversionsByGoalAndTopDestinationsAddUp() throws Exception {
    JsonArray byGoal = select(expand(only("Conversions by goal").text()));
    double follows = 0;
    double newsletter = 0;
    for (int i = 0; i < byGoal.size(); i++) {
      JsonObject row = byGoal.getJsonObject(i);
      if (row.getString("goal").equals("telegram_follow")) {
        follows += number(row, "conversions");
      } else if (row.getString("goal").equals("newsletter")) {
        newsletter += number(row, "conversions");
      }
    }
    assertThat(follows).as("the replaced row counts once, at its newest version").isEqualTo(5);
    assertThat(newsletter).isEqualTo(1);
    JsonArray destinations = select(expand(only("Top outbound destinations").text()));
    assertThat(destinations).hasSize(2);
    assertThat(destinations.getJsonObject(0).getString("destination")).isEqualTo("youtube.com");
    assertThat(number(destinations.getJsonObject(0), "clicks")).isEqualTo(5);
    assertThat(destinations.getJsonObject(1).getString("destination")).isEqualTo("t.me");
    assertThat(number(destinations.getJsonObject(1), "clicks")).as("outside the range not counted").isEqualTo(3);
  }

  @Test
  void everyQueryReturnsRows() throws Exception {
    List<Dashboards.Query> queries = Dashboards.clickhouseQueries();
    assertThat(queries).hasSizeGreaterThanOrEqualTo(5);
    for (Dashboards.Query query : queries) {
      String sql = expand(query.text());
      assertThat(sql).as("every macro expanded: " + query).doesNotContain("$");
      JsonArray rows = select(sql);
      assertThat(rows).as(query.toString()).isNotEmpty();
    }
  }

  @Test
  void topArticlesAreTheRangesMostViewed() throws Exception {
    Dashboards.Query top = only("Top articles");
    JsonArray rows = select(expand(top.text()));
    assertThat(rows).hasSize(2);
    assertThat(rows.getJsonObject(0).getString("article")).isEqualTo(POPULAR);
    assertThat(number(rows.getJsonObject(0), "views")).isEqualTo(12);
    assertThat(number(rows.getJsonObject(0), "likes")).isEqualTo(1);
    assertThat(number(rows.getJsonObject(1), "views")).as("the row outside the range is not counted").isEqualTo(3);
    assertThat(rows.getJsonObject(0).getString("from_utc")).as("the range it sums, as it states it")
        .isEqualTo("2026-02-07 10:00:00");
    assertThat(rows.getJsonObject(0).getString("until_utc")).isEqualTo("2026-02-07 11:00:00");
  }

  @Test
  void oneArticleIsChartedMinuteByMinute() throws Exception {
    JsonArray rows = select(expand(only("Article").text()));
    assertThat(rows).hasSize(2);
    assertThat(number(rows.getJsonObject(0), "views")).isEqualTo(7);
    assertThat(number(rows.getJsonObject(1), "views")).isEqualTo(5);
    assertThat(number(rows.getJsonObject(1), "shares")).isEqualTo(2);
  }

  @Test
  void previewsAndTotalsAddUp() throws Exception {
    JsonObject totals = select(expand(only("Totals").text())).getJsonObject(0);
    assertThat(number(totals, "views")).isEqualTo(15);
    assertThat(number(totals, "previews")).isEqualTo(5);
    JsonArray perMinute = select(expand(only("Previews vs views").text()));
    double previews = 0;
    for (int i = 0; i < perMinute.size(); i++) {
      previews += number(perMinute.getJsonObject(i), "previews");
    }
    assertThat(previews).isEqualTo(5);
  }

  /**
   * The per-article panel reads the table with FINAL filtered on its order key, so it reads the few
   * granules of that article, not all history: checked with the rows ClickHouse says it read
   * ({@code system.query_log.read_rows} of the query; 18.16 has no EXPLAIN). 200 000 rows of other
   * articles earlier in the same month (same partition, outside the panels' range) stand for history.
   */
  @Test
  void theArticlePanelReadsOnlyItsArticlesGranules() throws Exception {
    sql("INSERT INTO " + DB + "." + Schema.ROWS_TABLE + " (article_id, minute, views, likes, shares, previews, version) "
        + "SELECT concat('other-', toString(number % 500)), toDateTime(" + Instant.parse("2026-02-01T00:00:00Z")
        .getEpochSecond() + " + intDiv(number, 500) * 60), 1, 0, 0, 0, 1 FROM numbers(200000)");
    String queryId = "dashboard-article-" + System.nanoTime();
    JsonArray rows = new JsonObject(sql(expand(only("Article").text()) + "\nFORMAT JSON",
        "&log_queries=1&query_id=" + queryId)).getJsonArray("data");
    assertThat(rows).hasSize(2);
    assertThat(number(rows.getJsonObject(0), "views")).isEqualTo(7);
    assertThat(readRows(queryId)).as("rows read for one article's hour out of 200 005").isPositive()
        .isLessThanOrEqualTo(4 * 8192);
  }

  /**
   * The site-wide panels read the shards' per-minute totals, ordered by minute: an hour's range reads the
   * granules of that hour, not the days before it (100 000 rows of 16 shards, earlier in the same month).
   */
  @Test
  void theSitePanelsReadOnlyTheirRangesGranules() throws Exception {
    sql("INSERT INTO " + DB + "." + Schema.SITE_TABLE
        + " (minute, shard, generation, views, likes, shares, previews, version) "
        + "SELECT toDateTime(" + Instant.parse("2026-02-01T00:00:00Z").getEpochSecond()
        + " + intDiv(number, 16) * 60), concat('s', toString(number % 16)), 0, 1, 0, 0, 0, 1 FROM numbers(100000)");
    for (String panel : List.of("Totals", "Views per minute", "Previews vs views")) {
      String queryId = "dashboard-site-" + System.nanoTime();
      JsonArray rows = new JsonObject(sql(expand(only(panel).text()) + "\nFORMAT JSON",
          "&log_queries=1&query_id=" + queryId)).getJsonArray("data");
      assertThat(rows).as(panel).isNotEmpty();
      assertThat(readRows(queryId)).as(panel + ": rows read for an hour out of 100 005").isPositive()
          .isLessThanOrEqualTo(4 * 8192);
    }
    JsonObject totals = select(expand(only("Totals").text())).getJsonObject(0);
    assertThat(number(totals, "views")).as("the earlier rows lie outside the range").isEqualTo(15);
  }

  /** What the query read ({@code system.query_log}; the initial query's entry counts every shard's part). */
  private static long readRows(String queryId) throws Exception {
    // On a fresh server the first flush creates system.query_log and may not hold the entry yet: flush
    // again until it does.
    String logged = "";
    for (long deadline = System.nanoTime() + 30_000_000_000L; logged.isEmpty() && System.nanoTime() < deadline; ) {
      sql("SYSTEM FLUSH LOGS");
      logged = sql("SELECT read_rows FROM system.query_log WHERE query_id = '" + queryId
          + "' AND type = 2 FORMAT TabSeparated").trim();
      if (logged.isEmpty()) {
        Thread.sleep(200);
      }
    }
    assertThat(logged).as("the query's entry in system.query_log").isNotEmpty();
    return Long.parseLong(logged);
  }

  private static Dashboards.Query only(String titleStart) {
    List<Dashboards.Query> matching = Dashboards.clickhouseQueries().stream()
        .filter(q -> q.panel().startsWith(titleStart)).toList();
    assertThat(matching).as("one panel titled " + titleStart + "...").hasSize(1);
    return matching.get(0);
  }

  private static String expand(String sql) {
    return Dashboards.clickhouseForEvaluation(sql, DB, FROM.getEpochSecond(), TO.getEpochSecond(), POPULAR);
  }

  /** ClickHouse's JSON output quotes 64-bit integers; either form is read as a number. */
  private static double number(JsonObject row, String column) {
    return Double.parseDouble(String.valueOf(row.getValue(column)));
  }

  private static JsonArray select(String sql) throws IOException, InterruptedException {
    return new JsonObject(sql(sql + "\nFORMAT JSON")).getJsonArray("data");
  }

  private static String sql(String statement) throws IOException, InterruptedException {
    return sql(statement, "");
  }

  private static String sql(String statement, String settings) throws IOException, InterruptedException {
    // insert_distributed_sync: on the cluster the rows are on their shards when the INSERT answers.
    URI uri = URI.create(TestStores.clickhouseUrl() + "/?insert_distributed_sync=1" + settings + "&query="
        + URLEncoder.encode(statement, StandardCharsets.UTF_8));
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody())
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(statement + "\n" + response.body()).isEqualTo(200);
    return response.body();
  }
}
