package news.engagement.history;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Every ClickHouse statement of the service, in one place. Written for both ClickHouse 18.16 (Debian,
 * what tests run) and current releases: no LowCardinality, DateTime64, input(), window functions.
 *
 * <p>{@code article_engagement_minutes} holds one row per article, minute and flush; the flusher writes
 * absolute per-minute totals with a version that grows with every change of that minute, so
 * ReplacingMergeTree keeps the newest and a repeated flush changes nothing. {@code article_engagement}
 * is the contract for dashboards: the same rows read through FINAL, one per article per minute.
 */
public final class Schema {
  public static final String MINUTES_TABLE = "article_engagement_minutes";
  public static final String VIEW = "article_engagement";
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private Schema() {
  }

  /** The statements that create the database objects; each is idempotent. */
  public static List<String> create(String database) {
    String db = identifier(database);
    return List.of(
        "CREATE DATABASE IF NOT EXISTS " + db,
        "CREATE TABLE IF NOT EXISTS " + db + "." + MINUTES_TABLE + " ("
            + "article_id String, "
            + "minute DateTime, "
            + "views UInt64, "
            + "likes Int64, "
            + "shares UInt64, "
            + "previews UInt64, "
            + "version UInt64"
            + ") ENGINE = ReplacingMergeTree(version) "
            + "PARTITION BY toYYYYMM(minute) "
            + "ORDER BY (article_id, minute)",
        "CREATE VIEW IF NOT EXISTS " + db + "." + VIEW + " AS "
            + "SELECT article_id, minute, views, likes, shares, previews FROM " + db + "." + MINUTES_TABLE + " FINAL");
  }

  /**
   * Sums of one article per time bucket of {@code stepSeconds} in [from, to), read through FINAL so each
   * article-minute counts once. Columns: bucket start (epoch seconds), views, likes, shares, previews.
   * Buckets are computed on epoch seconds, so they are UTC whatever the server's time zone.
   */
  public static String timeseries(String database, String article, long fromEpochSecond, long toEpochSecond,
      long stepSeconds) {
    return "SELECT intDiv(toUInt32(minute), " + stepSeconds + ") * " + stepSeconds + " AS t, "
        + "sum(views), sum(likes), sum(shares), sum(previews) "
        + "FROM " + identifier(database) + "." + MINUTES_TABLE + " FINAL "
        + "WHERE article_id = " + quote(article)
        + " AND minute >= toDateTime(" + fromEpochSecond + ") AND minute < toDateTime(" + toEpochSecond + ") "
        + "GROUP BY t ORDER BY t FORMAT TabSeparated";
  }

  /** A ClickHouse string literal (18.16 has no query parameters over HTTP). */
  static String quote(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** Database names go into SQL text, so only plain identifiers are allowed (Config checks this too). */
  static String identifier(String name) {
    if (!IDENTIFIER.matcher(name).matches()) {
      throw new IllegalArgumentException("not a plain identifier: " + name);
    }
    return name;
  }
}
