package news.engagement.history;

import java.util.ArrayList;
import java.util.List;

/**
 * The ClickHouse side of the hourly roll-up (docs/history.md, "Top articles: hours and days"): every
 * statement of it, in one place, for both layouts and ClickHouse 18.16.
 *
 * <ul>
 *   <li>{@link #RECENT_TABLE}: the article rows again, ordered by minute first, filled by a materialized
 *       view on every insert into the rows table (on a cluster: on each node's local table), so one hour
 *       of all articles is a contiguous range; same key columns and version, so its {@code FINAL} equals
 *       the rows table's {@code FINAL}.</li>
 *   <li>{@link #HOURS_TABLE} and {@link #DAYS_TABLE}: per article and hour (day), the sums of the
 *       rows' {@code FINAL} over that hour (day), versioned by the sum of the summed rows' versions.</li>
 *   <li>{@link #ROLLED_TABLE}: one row per rolled hour and day, so a reader knows the range covered.</li>
 * </ul>
 */
public final class RollupSchema {
  public static final String RECENT_TABLE = "article_engagement_recent";
  /** The materialized view copying every insert into the rows table into {@link #RECENT_TABLE}. */
  public static final String RECENT_COPY = "article_engagement_recent_copy";
  public static final String HOURS_TABLE = "article_engagement_hours";
  public static final String DAYS_TABLE = "article_engagement_days";
  public static final String ROLLED_TABLE = "article_engagement_rolled";
  static final long HOUR = 3600;
  static final long DAY = 86_400;

  private static final String COUNTS = "views UInt64, likes Int64, shares UInt64, previews UInt64, version UInt64";
  private static final String ROW_COLUMNS = "article_id, minute, generation, views, likes, shares, previews, version";

  private RollupSchema() {
  }

  /** Every statement, idempotent, in order (the copy exists before anything reads it). */
  public static List<String> create(ClickHouseLayout layout, String database) {
    List<String> statements = new ArrayList<>();
    statements.addAll(layout.createReplacingTable(database, RECENT_TABLE,
        "article_id String, minute DateTime, generation UInt64, " + COUNTS,
        "version", "toYYYYMMDD(minute)", "(minute, article_id, generation)", "article_id"));
    statements.add(layout.createCopyView(database, RECENT_COPY, Schema.ROWS_TABLE, RECENT_TABLE, ROW_COLUMNS));
    statements.addAll(layout.createReplacingTable(database, HOURS_TABLE, "hour DateTime, article_id String, " + COUNTS,
        "version", "toYYYYMM(hour)", "(hour, article_id)", "article_id"));
    statements.addAll(layout.createReplacingTable(database, DAYS_TABLE, "day DateTime, article_id String, " + COUNTS,
        "version", "toYYYYMM(day)", "(day, article_id)", "article_id"));
    statements.addAll(layout.createReplacingTable(database, ROLLED_TABLE,
        "period String, start DateTime, version UInt64", "version", "toYYYYMM(start)", "(period, start)", "period"));
    return statements;
  }

  /**
   * One hour of every article from the minute-ordered copy: sums over its rows through FINAL (each
   * article, minute and generation once, at its newest version), version = the sum of their versions.
   */
  public static String rollHour(String database, long hour) {
    return rollHour(database, hour, RECENT_TABLE);
  }

  /**
   * The same from {@code source}: the copy, or for an hour whose day the copy no longer keeps the rows
   * table itself (same rows and key; reads about a granule per article, see docs/history.md).
   */
  static String rollHour(String database, long hour, String source) {
    String db = Schema.identifier(database);
    return "INSERT INTO " + db + "." + HOURS_TABLE + " (hour, article_id, views, likes, shares, previews, version) "
        + "SELECT toDateTime(" + hour + "), article_id, sum(views), sum(likes), sum(shares), sum(previews), "
        + "sum(version) FROM " + db + "." + Schema.identifier(source) + " FINAL WHERE minute >= toDateTime(" + hour
        + ") AND minute < toDateTime(" + (hour + HOUR) + ") GROUP BY article_id";
  }

  /** One day of every article from its hours, likewise (the hours' versions summed). */
  public static String rollDay(String database, long day) {
    String db = Schema.identifier(database);
    return "INSERT INTO " + db + "." + DAYS_TABLE + " (day, article_id, views, likes, shares, previews, version) "
        + "SELECT toDateTime(" + day + "), article_id, sum(views), sum(likes), sum(shares), sum(previews), "
        + "sum(version) FROM " + db + "." + HOURS_TABLE + " FINAL WHERE hour >= toDateTime(" + day
        + ") AND hour < toDateTime(" + (day + DAY) + ") GROUP BY article_id";
  }

  /** The copy's days (partitions, {@code YYYYMMDD}) that hold minutes before {@code before} (epoch seconds). */
  static String recentDaysBefore(String database, long before) {
    return "SELECT DISTINCT toYYYYMMDD(minute) FROM " + Schema.identifier(database) + "." + RECENT_TABLE
        + " WHERE minute < toDateTime(" + before + ") FORMAT TabSeparated";
  }

  /** Records a period as rolled (after its rows): readers take the covered range from these rows. */
  public static String rolled(String database, String period, long start, long version) {
    return "INSERT INTO " + Schema.identifier(database) + "." + ROLLED_TABLE + " (period, start, version) VALUES ("
        + Schema.quote(period) + ", toDateTime(" + start + "), " + version + ")";
  }
}
