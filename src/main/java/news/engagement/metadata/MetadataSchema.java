package news.engagement.metadata;

import java.util.List;

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

  static List<String> create(String db) {
    return List.of(
        "CREATE DATABASE IF NOT EXISTS " + db,
        "CREATE TABLE IF NOT EXISTS " + db + "." + TABLE + " ("
            + "article_id String, "
            + "title String, "
            + "url String, "
            + "section String, "
            + "authors Array(String), "
            + "published DateTime, "
            + "image String, "
            + "crawled_at DateTime, "
            + "edited_at DateTime, "
            + "version UInt64"
            + ") ENGINE = ReplacingMergeTree(version) "
            + "ORDER BY article_id",
        "CREATE VIEW IF NOT EXISTS " + db + "." + VIEW + " AS "
            + "SELECT article_id, title, url, section, authors, published, image, crawled_at, edited_at "
            + "FROM " + db + "." + TABLE + " FINAL");
  }
}
