package news.engagement.metadata;

import java.util.ArrayList;
import java.util.List;
import news.engagement.history.ClickHouseLayout;

/**
 * The ClickHouse table of article metadata, for dashboards to join to {@code article_engagement} by
 * {@code article_id}. One row per write (crawl or editor) with the merged values and the write's version
 * from Redis, so ReplacingMergeTree keeps the latest and writing a row again changes nothing; read it
 * {@code FINAL} (or through the view {@code articles_latest}). Works on ClickHouse 18.16 and current
 * releases; kept apart from {@code history.Schema} like the presence tables.
 */
final class MetadataSchema {
  static final String TABLE = "articles";
  static final String VIEW = "articles_latest";

  private MetadataSchema() {
  }

  /**
   * Table and view in the layout: on one server as always; on a cluster ({@code CLICKHOUSE_CLUSTER}) a
   * local table per node behind a Distributed one sharded by {@code cityHash64(article_id)}, like every
   * other table (history/ClickHouseLayout), so all versions of an article's row meet on one shard.
   */
  static List<String> create(ClickHouseLayout layout, String db) {
    List<String> statements = new ArrayList<>();
    statements.add(layout.createDatabase(db));
    statements.addAll(layout.createReplacingTable(db, TABLE,
        "article_id String, "
            + "title String, "
            + "url String, "
            + "section String, "
            + "authors Array(String), "
            + "published DateTime, "
            + "image String, "
            + "crawled_at DateTime, "
            + "edited_at DateTime, "
            + "version UInt64",
        // One partition, as before (a table of articles, not of time).
        "version", "tuple()", "article_id", "article_id"));
    statements.add(layout.createView(db, VIEW,
        "SELECT article_id, title, url, section, authors, published, image, crawled_at, edited_at "
            + "FROM " + db + "." + TABLE + " FINAL"));
    return statements;
  }
}
