package news.engagement.history;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Every ClickHouse statement of the service, in one place. Written for both ClickHouse 18.16 (Debian,
 * what tests run) and current releases: no LowCardinality, DateTime64, input(), window functions, and no
 * ALTER of a sorting key (a layout change is a new table and a copy, see {@link SchemaInstaller}).
 *
 * <p>{@code article_engagement_rows} holds one row per article, minute, generation and flush; the flusher
 * writes absolute per-minute totals of one generation of the minute's Redis hash, with a version that
 * grows with every change of that minute, so ReplacingMergeTree keeps the newest row of each generation
 * and a repeated flush changes nothing. A generation is one life of the hash: a batch applied after the
 * hash was retired starts the next one, whose row adds to the earlier ones instead of replacing them.
 * {@code article_engagement} is the contract for dashboards: the rows read through FINAL, one per
 * article and minute (and one more per late generation of that minute), whose sums are exact.
 */
public final class Schema {
  public static final String ROWS_TABLE = "article_engagement_rows";
  public static final String VIEW = "article_engagement";
  /**
   * Per Redis shard, minute and generation of its minute hash: the totals of all the shard's articles,
   * versioned like the article rows. What site-wide panels read: 60 × shards rows an hour whatever the
   * number of articles, ordered by minute (docs/history.md, "Site-wide totals").
   */
  public static final String SITE_TABLE = "site_engagement_minutes";
  /** The table of the first layout (no generation), migrated into {@link #ROWS_TABLE} at start-up. */
  static final String LEGACY_TABLE = "article_engagement_minutes";
  /** The legacy table while its rows are being copied (renamed first, so no late insert into it is missed). */
  static final String MIGRATING_TABLE = "article_engagement_minutes_migrating";
  /** The legacy table's rows once copied, kept as a backup for the operator to drop. */
  static final String MIGRATED_TABLE = "article_engagement_minutes_migrated";
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private Schema() {
  }

  /** The statements that create the database objects on a fresh server; each is idempotent. */
  public static List<String> create(String database) {
    return create(ClickHouseLayout.single(), database);
  }

  /** The statements that create the database objects in a layout (one server or a cluster); each is idempotent. */
  public static List<String> create(ClickHouseLayout layout, String database) {
    List<String> statements = new ArrayList<>();
    statements.add(layout.createDatabase(database));
    statements.addAll(createRowsTable(layout, database));
    statements.add(createView(layout, database));
    statements.addAll(createSiteTable(layout, database));
    return statements;
  }

  /** The rows table: itself on one server; on a cluster a local table per node behind a Distributed one. */
  static List<String> createRowsTable(ClickHouseLayout layout, String database) {
    return layout.createReplacingTable(database, ROWS_TABLE,
        "article_id String, "
            + "minute DateTime, "
            + "generation UInt64, "
            + "views UInt64, "
            + "likes Int64, "
            + "shares UInt64, "
            + "previews UInt64, "
            + "version UInt64",
        "version", "toYYYYMM(minute)", "(article_id, minute, generation)", "article_id");
  }

  /**
   * The shards' per-minute totals: the same ReplacingMergeTree(version) rule as the rows table, keyed by
   * the minute first so a time range reads only its own rows; on a cluster sharded by the Redis shard.
   */
  static List<String> createSiteTable(ClickHouseLayout layout, String database) {
    return layout.createReplacingTable(database, SITE_TABLE,
        "minute DateTime, "
            + "shard String, "
            + "generation UInt64, "
            + "views UInt64, "
            + "likes Int64, "
            + "shares UInt64, "
            + "previews UInt64, "
            + "version UInt64",
        "version", "toYYYYMM(minute)", "(minute, shard, generation)", "shard");
  }

  static String createView(ClickHouseLayout layout, String database) {
    String db = identifier(database);
    // No GROUP BY over the generations: 18.16 pushes no filter into a view, so a grouping view would
    // group the whole table for every panel (measured in docs/history.md); sums are exact without it.
    // On a cluster the FROM is the Distributed table: each shard applies FINAL to its own rows, and all
    // rows of one article live on one shard.
    return layout.createView(db, VIEW, viewSelect(database));
  }

  /** The counted minutes as {@link #VIEW} reads them (presence/ adds engaged time beside them, see PresenceSchema). */
  public static String viewSelect(String database) {
    return "SELECT article_id, minute, views, likes, shares, previews FROM " + identifier(database) + "." + ROWS_TABLE
        + " FINAL";
  }

  /** Whether a view's CREATE text (SHOW CREATE TABLE) reads the current layout. */
  static boolean viewIsCurrent(String showCreate) {
    return showCreate.contains(ROWS_TABLE);
  }

  static String dropView(String database) {
    return "DROP TABLE IF EXISTS " + identifier(database) + "." + VIEW;
  }

  static String exists(String database, String table) {
    return "EXISTS TABLE " + identifier(database) + "." + identifier(table) + " FORMAT TabSeparated";
  }

  static String showCreate(String database, String table) {
    return "SHOW CREATE TABLE " + identifier(database) + "." + identifier(table) + " FORMAT TabSeparated";
  }

  static String rename(String database, String from, String to) {
    String db = identifier(database);
    return "RENAME TABLE " + db + "." + identifier(from) + " TO " + db + "." + identifier(to);
  }

  static String drop(String database, String table) {
    return "DROP TABLE IF EXISTS " + identifier(database) + "." + identifier(table);
  }

  /** The legacy rows as generation 0 with their versions: repeating the copy changes nothing. */
  static String copyLegacyRows(String database) {
    String db = identifier(database);
    return "INSERT INTO " + db + "." + ROWS_TABLE
        + " (article_id, minute, generation, views, likes, shares, previews, version) "
        + "SELECT article_id, minute, toUInt64(0), views, likes, shares, previews, version FROM "
        + db + "." + MIGRATING_TABLE;
  }

  /**
   * Sums of one article per time bucket of {@code stepSeconds} in [from, to), read through FINAL so each
   * article, minute and generation counts once. Columns: bucket start (epoch seconds), views, likes, shares, previews.
   * Buckets are computed on epoch seconds, so they are UTC whatever the server's time zone.
   */
  public static String timeseries(String database, String article, long fromEpochSecond, long toEpochSecond,
      long stepSeconds) {
    return "SELECT intDiv(toUInt32(minute), " + stepSeconds + ") * " + stepSeconds + " AS t, "
        + "sum(views), sum(likes), sum(shares), sum(previews) "
        + "FROM " + identifier(database) + "." + ROWS_TABLE + " FINAL "
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
