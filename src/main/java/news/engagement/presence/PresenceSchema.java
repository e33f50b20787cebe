package news.engagement.presence;

import java.util.ArrayList;
import java.util.List;
import news.engagement.history.ClickHouseLayout;
import news.engagement.history.Schema;

/**
 * The ClickHouse statements of engaged time, each idempotent, for 18.16 and current releases.
 *
 * <p>{@code article_presence_minutes} holds one row per article, minute and flush: absolute engaged
 * seconds and engaged visitors of that minute with the minute's version, so ReplacingMergeTree keeps the
 * newest and a repeated flush changes nothing. {@code article_presence} is that table read through FINAL.
 *
 * <p>The contract view {@code article_engagement} gains {@code engaged_seconds} and {@code engaged_visitors}
 * here: it becomes the history rows (engaged 0) UNION ALL the presence rows (counts 0), so every column
 * summed over any range is exact, and no row of either table is touched or copied (the migration is a
 * view swap: old rows stay where they are). History's installer keeps the view, which still reads its
 * rows table ({@code Schema.viewIsCurrent}); this one replaces a view without the engaged columns.
 */
final class PresenceSchema {
  static final String TABLE = "article_presence_minutes";
  static final String VIEW = "article_presence";
  /** The first step's join of {@code article_engagement} and engaged time, replaced by the extended view. */
  static final String OLD_JOINED = "article_engagement_presence";
  /** Columns a current {@code article_engagement} has (its SHOW CREATE text mentions them). */
  static final String ENGAGED_COLUMN = "engaged_seconds";

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

  /**
   * Everything at once on a database whose history schema exists (tests and tools; the flusher runs the
   * same steps one by one, checking the view first): tables, then the extended contract view swapped in
   * for history's (which must exist).
   */
  static List<String> createWithEngagementView(ClickHouseLayout layout, String db) {
    List<String> all = new ArrayList<>(create(layout, db));
    all.add(dropOldJoined(layout, db));
    all.addAll(replaceEngagementView(layout, db));
    return all;
  }

  static String showEngagementView(String db) {
    return "SHOW CREATE TABLE " + db + "." + Schema.VIEW + " FORMAT TabSeparated";
  }

  static String existsEngagementView(String db) {
    return "EXISTS TABLE " + db + "." + Schema.VIEW + " FORMAT TabSeparated";
  }

  /** Swaps history's {@code article_engagement} for {@link #createEngagementView}'s, with no gap a reader could fall in. */
  static List<String> replaceEngagementView(ClickHouseLayout layout, String db) {
    return layout.replaceView(db, Schema.VIEW, engagementViewSelect(db));
  }

  static String dropOldJoined(ClickHouseLayout layout, String db) {
    return layout.dropView(db, OLD_JOINED);
  }

  /**
   * {@code article_engagement} with engaged time: history's counted minutes (engaged 0) and the engaged
   * minutes (counts 0). Literals are typed so both halves have the same column types on 18.16. On a
   * cluster both halves read the Distributed tables (each shard applies FINAL to its own rows).
   */
  static String createEngagementView(ClickHouseLayout layout, String db) {
    return layout.createView(db, Schema.VIEW, engagementViewSelect(db));
  }

  private static String engagementViewSelect(String db) {
    return "SELECT article_id, minute, views, likes, shares, previews, "
        + "toUInt64(0) AS engaged_seconds, toUInt64(0) AS engaged_visitors FROM (" + Schema.viewSelect(db) + ") "
        + "UNION ALL "
        + "SELECT article_id, minute, toUInt64(0) AS views, toInt64(0) AS likes, toUInt64(0) AS shares, "
        + "toUInt64(0) AS previews, engaged_seconds, engaged_visitors FROM " + db + "." + TABLE + " FINAL";
  }

  /**
   * One article's engaged seconds before {@code beforeEpochSecond} (the newer minutes are read from Redis):
   * all of them, and those from {@code todayEpochSecond} on. One row: total, today.
   */
  static String engagedBefore(String db, String article, long todayEpochSecond, long beforeEpochSecond) {
    return "SELECT sum(engaged_seconds), sumIf(engaged_seconds, minute >= toDateTime(" + todayEpochSecond + ")) "
        + "FROM " + db + "." + TABLE + " FINAL WHERE article_id = " + quote(article)
        + " AND minute < toDateTime(" + beforeEpochSecond + ") FORMAT TabSeparated";
  }

  /** One article's engaged seconds and visitors per bucket of {@code stepSeconds} in [from, to): t, seconds, visitors. */
  static String engagedSeries(String db, String article, long fromEpochSecond, long toEpochSecond, long stepSeconds) {
    return "SELECT intDiv(toUInt32(minute), " + stepSeconds + ") * " + stepSeconds + " AS t, "
        + "sum(engaged_seconds), sum(engaged_visitors) FROM " + db + "." + TABLE + " FINAL "
        + "WHERE article_id = " + quote(article)
        + " AND minute >= toDateTime(" + fromEpochSecond + ") AND minute < toDateTime(" + toEpochSecond + ") "
        + "GROUP BY t ORDER BY t FORMAT TabSeparated";
  }

  /** A ClickHouse string literal (18.16 has no query parameters over HTTP; ids are validated anyway). */
  private static String quote(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
