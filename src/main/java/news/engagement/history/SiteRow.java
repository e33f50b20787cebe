package news.engagement.history;

/**
 * One row of {@code site_engagement_minutes}: the absolute totals of every article of one Redis shard
 * in one minute and generation of that shard's minute hash, with the hash's version when it was read.
 * The hash is one consistent snapshot, so the row equals the sum of the article rows written from the
 * same hash (those of unchanged articles were written, with the same totals, by an earlier flush).
 *
 * @param shard the shard's hash tag (the minute hash is {@code eng:{shard}:m:<minute>})
 */
record SiteRow(String shard, long minute, long generation, long views, long likes, long shares, long previews,
    long version) {

  /** Appends the row as one JSONEachRow line; {@code minute} as epoch seconds. */
  void appendJsonLine(StringBuilder out) {
    // A tag is e<digits>.<digits>: nothing to escape.
    out.append("{\"minute\":").append(minute)
        .append(",\"shard\":\"").append(shard)
        .append("\",\"generation\":").append(generation)
        .append(",\"views\":").append(views)
        .append(",\"likes\":").append(likes)
        .append(",\"shares\":").append(shares)
        .append(",\"previews\":").append(previews)
        .append(",\"version\":").append(version)
        .append("}\n");
  }
}
