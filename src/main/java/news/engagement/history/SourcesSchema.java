package news.engagement.history;

import java.util.List;

/**
 * The ClickHouse statements of traffic sources (docs/sources.md), for 18.16 and current releases; apart
 * from {@link Schema} like presence's, so the engagement tables can change without touching these.
 *
 * <p>{@code article_sources_rows} holds, per article, minute, generation of the minute's Redis hash and
 * source, the absolute counted views of that source with the minute's version: the same idempotency as
 * {@code article_engagement_rows} (ReplacingMergeTree keeps the newest row of each key, a repeated flush
 * changes nothing, a late generation adds a row of its own). {@code article_sources} is the contract:
 * {@code article_id, minute, medium, source, views} read through FINAL; sums are exact.
 */
public final class SourcesSchema {
  public static final String ROWS_TABLE = "article_sources_rows";
  public static final String VIEW = "article_sources";
  /** The most (medium, source) rows a sources query answers (the largest). */
  public static final int MAX_ROWS = 1000;

  private SourcesSchema() {
  }

  /** Table and view on one server; idempotent. Needs the database (created by {@link Schema#create}). */
  public static List<String> create(String database) {
    return create(ClickHouseLayout.single(), database);
  }

  /** Table and view in the layout (on a cluster: local tables behind a Distributed one, sharded by article). */
  public static List<String> create(ClickHouseLayout layout, String database) {
    String db = Schema.identifier(database);
    List<String> statements = new java.util.ArrayList<>(layout.createReplacingTable(database, ROWS_TABLE,
        "article_id String, "
            + "minute DateTime, "
            + "generation UInt64, "
            + "medium String, "
            + "source String, "
            + "views UInt64, "
            + "version UInt64",
        "version", "toYYYYMM(minute)", "(article_id, minute, generation, medium, source)", "article_id"));
    statements.add(layout.createView(db, VIEW,
        "SELECT article_id, minute, medium, source, views FROM " + db + "." + ROWS_TABLE + " FINAL"));
    return statements;
  }

  /**
   * Counted views by (medium, source) in [from, to) of one article, or of the whole site when
   * {@code article} is null, most first (ties by medium and source); columns medium, source, views. The
   * table with FINAL and the article's filter reads only that article's granules (docs/history.md).
   */
  public static String bySource(String database, String article, long fromEpochSecond, long toEpochSecond) {
    return "SELECT medium, source, sum(views) AS v FROM " + Schema.identifier(database) + "." + ROWS_TABLE + " FINAL "
        + "WHERE " + (article == null ? "" : "article_id = " + Schema.quote(article) + " AND ")
        + "minute >= toDateTime(" + fromEpochSecond + ") AND minute < toDateTime(" + toEpochSecond + ") "
        + "GROUP BY medium, source ORDER BY v DESC, medium, source LIMIT " + MAX_ROWS + " FORMAT TabSeparated";
  }
}
