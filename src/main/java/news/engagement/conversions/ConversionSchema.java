package news.engagement.conversions;

import java.util.ArrayList;
import java.util.List;
import news.engagement.history.ClickHouseLayout;

/**
 * The ClickHouse statements of conversions and outbound clicks, each idempotent, for 18.16 and current
 * releases. {@code article_conversions_minutes} holds one row per article, minute, kind and name and flush:
 * the minute's absolute count with the minute's version, so ReplacingMergeTree keeps the newest and a
 * repeated flush changes nothing; {@code article_conversions} is that table read through FINAL (the
 * contract: article_id, minute, kind {@code conversion}|{@code outbound}, name, count).
 */
public final class ConversionSchema {
  public static final String TABLE = "article_conversions_minutes";
  public static final String VIEW = "article_conversions";

  private ConversionSchema() {
  }

  static List<String> create(String db) {
    return create(ClickHouseLayout.single(), db);
  }

  /** On a cluster: local tables behind a Distributed one sharded by article, like history's rows. */
  public static List<String> create(ClickHouseLayout layout, String db) {
    List<String> statements = new ArrayList<>();
    statements.add(layout.createDatabase(db));
    statements.addAll(layout.createReplacingTable(db, TABLE,
        "article_id String, "
            + "minute DateTime, "
            + "kind String, "
            + "name String, "
            + "count UInt64, "
            + "version UInt64",
        "version", "toYYYYMM(minute)", "(article_id, minute, kind, name)", "article_id"));
    statements.add(layout.createView(db, VIEW,
        "SELECT article_id, minute, kind, name, count FROM " + db + "." + TABLE + " FINAL"));
    return statements;
  }

  /** The ClickHouse kind of a click's kind letter. */
  static String kind(char letter) {
    return letter == Click.CONVERSION ? "conversion" : "outbound";
  }
}
