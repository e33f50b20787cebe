package news.engagement.history;

import io.vertx.core.json.Json;

/**
 * One row of {@code article_engagement_rows}: an article's absolute totals of one minute in one
 * generation of that minute's Redis hash, with the hash's version when it was read.
 */
record HistoryRow(String article, long minute, long generation, long views, long likes, long shares, long previews,
    long version) {

  /** Appends the row as one JSONEachRow line; {@code minute} as epoch seconds (a DateTime on 18.16 and current releases). */
  void appendJsonLine(StringBuilder out) {
    out.append("{\"article_id\":").append(Json.encode(article))
        .append(",\"minute\":").append(minute)
        .append(",\"generation\":").append(generation)
        .append(",\"views\":").append(views)
        .append(",\"likes\":").append(likes)
        .append(",\"shares\":").append(shares)
        .append(",\"previews\":").append(previews)
        .append(",\"version\":").append(version)
        .append("}\n");
  }
}
