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
import news.engagement.history.Schema;
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
    for (String statement : Schema.create(DB)) {
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
    for (String statement : SourcesSchema.create(DB)) {
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
    URI uri = URI.create(TestStores.clickhouseUrl() + "/?query="
        + URLEncoder.encode(statement, StandardCharsets.UTF_8));
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody())
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(statement + "\n" + response.body()).isEqualTo(200);
    return response.body();
  }
}
