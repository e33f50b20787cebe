package news.engagement.presence;

import java.util.ArrayList;
import java.util.List;
import news.engagement.history.ClickHouseLayout;

/**
 * The ClickHouse statements of engaged time, each idempotent, for 18.16 and current releases.
 *
 * <p>{@code article_presence_minutes} holds one row per article, minute and flush: absolute engaged
 * seconds and engaged visitors of that minute with the minute's version, so ReplacingMergeTree keeps the
 * newest and a repeated flush changes nothing. {@code article_presence} is that table read through FINAL.
 * {@code article_engagement_presence} joins it to {@code article_engagement}: every counted minute with
 * its engaged time (0 where nobody engaged). Kept apart from {@code history.Schema} on purpose while the
 * history tables change; folding in means adding the two columns to {@code article_engagement_minutes}
 * (ALTER TABLE ... ADD COLUMN IF NOT EXISTS ... UInt64 DEFAULT 0) and recreating the view.
 */
final class PresenceSchema {
  static final String TABLE = "article_presence_minutes";
  static final String VIEW = "article_presence";
  static final String JOINED = "article_engagement_presence";

  private PresenceSchema() {
  }

  /** The table and its view on one server; idempotent, and independent of the history schema. */
  static List<String> create(String db) {
    return create(ClickHouseLayout.single(), db);
  }

  /**
   * The table and its view in a layout: on a cluster the table is a local table per node behind a
   * Distributed one sharded by article, like history's rows, and the views read the Distributed one.
   */
  static List<String> create(ClickHouseLayout layout, String db) {
    List<String> statements = new ArrayList<>();
    statements.add(layout.createDatabase(db));
    statements.addAll(layout.createReplacingTable(db, TABLE,
        "article_id String, "
            + "minute DateTime, "
            + "engaged_seconds UInt64, "
            + "engaged_visitors UInt64, "
            + "version UInt64",
        "version", "toYYYYMM(minute)", "(article_id, minute)", "article_id"));
    statements.add(layout.createView(db, VIEW,
        "SELECT article_id, minute, engaged_seconds, engaged_visitors FROM " + db + "." + TABLE + " FINAL"));
    return statements;
  }

  /** The view joining engaged time to the counted minutes; needs history's {@code article_engagement} first. */
  static String joined(String db) {
    return joined(ClickHouseLayout.single(), db);
  }

  static String joined(ClickHouseLayout layout, String db) {
    return layout.createView(db, JOINED,
        "SELECT article_id, minute, views, likes, shares, previews, engaged_seconds, engaged_visitors "
            + "FROM " + db + ".article_engagement ANY LEFT JOIN " + db + "." + VIEW + " USING (article_id, minute)");
  }
}
