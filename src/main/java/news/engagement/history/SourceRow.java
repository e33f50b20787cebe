package news.engagement.history;

import io.vertx.core.json.Json;

/**
 * One row of {@code article_sources_rows}: an article's counted views from one source in one minute and
 * generation of that minute's Redis hash (absolute), with the hash's version when it was read.
 */
record SourceRow(String article, long minute, long generation, String medium, String source, long views,
    long version) {

  void appendJsonLine(StringBuilder out) {
    out.append("{\"article_id\":").append(Json.encode(article))
        .append(",\"minute\":").append(minute)
        .append(",\"generation\":").append(generation)
        .append(",\"medium\":").append(Json.encode(medium))
        .append(",\"source\":").append(Json.encode(source))
        .append(",\"views\":").append(views)
        .append(",\"version\":").append(version)
        .append("}\n");
  }
}
