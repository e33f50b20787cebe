package news.engagement.history;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one minute hash as the batch script writes it (counting/apply-batch.lua, {@code writeMinute}):
 * fields {@code <article>\t<column>} with cumulative counts, {@code <article>\t~} with the version of the
 * batch that last changed the article, {@code __v} (version), {@code __g} (generation) and {@code __f}
 * (the version up to which ClickHouse has every change of this generation, set by ack-flush.lua), and
 * per article and traffic source {@code <article>\ts:<medium>:<source>} with its cumulative counted views
 * (direct views have no field: they are the article's views that no source field claims).
 */
final class MinuteHash {
  static final String VERSION = "__v";
  static final String GENERATION = "__g";
  static final String FLUSHED = "__f";
  static final String GONE = "__gone";
  private static final String CHANGED_AT = "~";
  private static final String SOURCE = "s:";
  private static final String DIRECT_MEDIUM = "direct";
  private static final String DIRECT_SOURCE = "direct";

  private MinuteHash() {
  }

  /**
   * The minute's rows that ClickHouse does not have yet (articles changed after {@code __f}), and the
   * shard's totals of the minute over all its articles ({@code tag}: the shard's hash tag).
   */
  static FlushCycle.Minute read(int shard, String tag, long minute, Map<String, String> hash) {
    long version = number(hash.get(VERSION));
    long generation = number(hash.get(GENERATION));
    long flushed = number(hash.get(FLUSHED));
    Map<String, long[]> byArticle = new LinkedHashMap<>();
    Map<String, Map<String, Long>> sources = new LinkedHashMap<>();
    for (Map.Entry<String, String> field : hash.entrySet()) {
      int tab = field.getKey().lastIndexOf('\t');
      if (tab <= 0) {
        continue; // __v, __g, __f
      }
      if (field.getKey().startsWith(SOURCE, tab + 1)) {
        sources.computeIfAbsent(field.getKey().substring(0, tab), a -> new LinkedHashMap<>())
            .put(field.getKey().substring(tab + 1 + SOURCE.length()), Long.parseLong(field.getValue()));
        continue;
      }
      int column = column(field.getKey().substring(tab + 1));
      if (column < 0) {
        continue;
      }
      // [views, likes, shares, previews, changed at (-1: unknown, a hash of the previous script: write it)]
      long[] values = byArticle.computeIfAbsent(field.getKey().substring(0, tab), a -> new long[] {0, 0, 0, 0, -1});
      values[column] = Long.parseLong(field.getValue());
    }
    List<HistoryRow> rows = new ArrayList<>();
    List<SourceRow> sourceRows = new ArrayList<>();
    long[] site = new long[4];
    byArticle.forEach((article, v) -> {
      for (int c = 0; c < site.length; c++) {
        site[c] += v[c];
      }
      if (v[4] < 0 || v[4] > flushed) {
        rows.add(new HistoryRow(article, minute, generation, v[0], v[1], v[2], v[3], version));
        // An article's sources change only with its views, so they are as new as its "~" mark.
        long claimed = 0;
        for (Map.Entry<String, Long> source : sources.getOrDefault(article, Map.of()).entrySet()) {
          int colon = source.getKey().indexOf(':');
          if (colon > 0) {
            sourceRows.add(new SourceRow(article, minute, generation, source.getKey().substring(0, colon),
                source.getKey().substring(colon + 1), source.getValue(), version));
            claimed += source.getValue();
          }
        }
        // Direct views have no field of their own (apply-batch.lua): they are the views no source claims.
        if (v[0] > claimed) {
          sourceRows.add(new SourceRow(article, minute, generation, DIRECT_MEDIUM, DIRECT_SOURCE, v[0] - claimed,
              version));
        }
      }
    });
    // Every article of the hash, changed or not: the snapshot's totals, versioned like its rows.
    // A tombstone (read after another flusher retired the minute) has no articles: writing its zeros at
    // the generation's last version would replace the real totals, so it gets no row.
    SiteRow siteRow = version == 0 || hash.containsKey(GONE) ? null
        : new SiteRow(tag, minute, generation, site[0], site[1], site[2], site[3], version);
    return new FlushCycle.Minute(shard, minute, generation, version, rows, sourceRows, siteRow);
  }

  private static int column(String name) {
    return switch (name) {
      case "views" -> 0;
      case "likes" -> 1;
      case "shares" -> 2;
      case "previews" -> 3;
      case CHANGED_AT -> 4;
      default -> -1;
    };
  }

  private static long number(String value) {
    return value == null ? 0 : Long.parseLong(value);
  }
}
