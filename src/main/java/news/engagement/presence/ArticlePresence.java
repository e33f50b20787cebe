package news.engagement.presence;

import io.vertx.core.json.JsonObject;

/**
 * Everything presence knows about one article, for editors: readers now, engaged seconds (last five
 * minutes, today in UTC, all time), distinct engaged visitors and the average per engaged visitor, and
 * read depth. {@code engagedToday} and {@code engagedTotal} are null when ClickHouse cannot be read.
 */
public record ArticlePresence(long readersNow, long engagedLast5m, Long engagedToday, Long engagedTotal,
    long engagedVisitors, Depth depth) {

  /** Visitors who pinged (the readers depth is measured over) and who reached 25, 50, 75, 100 %. */
  public record Depth(long readers, long reached25, long reached50, long reached75, long reached100) {
    JsonObject toJson() {
      JsonObject reached = new JsonObject().put("25", reached25).put("50", reached50).put("75", reached75)
          .put("100", reached100);
      JsonObject shares = new JsonObject().put("25", share(reached25)).put("50", share(reached50))
          .put("75", share(reached75)).put("100", share(reached100));
      return new JsonObject().put("readers", readers).put("reached", reached).put("shares", shares);
    }

    /** Share of the readers who reached a threshold, 0..1 rounded to 3 places (estimates may overshoot: capped). */
    double share(long reached) {
      return readers == 0 ? 0 : Math.round(Math.min(1.0, (double) reached / readers) * 1000) / 1000.0;
    }
  }

  /** Average engaged seconds per engaged visitor over all time, when both are known. */
  public Long averageEngagedSeconds() {
    return engagedTotal == null || engagedVisitors == 0 ? null : Math.round((double) engagedTotal / engagedVisitors);
  }

  /** The editor fields of an article: {@code readingNow}, {@code engaged}, {@code readDepth}. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("readingNow", readersNow)
        .put("engaged", new JsonObject()
            .put("last5m", engagedLast5m)
            .put("today", engagedToday)
            .put("total", engagedTotal)
            .put("visitors", engagedVisitors)
            .put("averageSeconds", averageEngagedSeconds()))
        .put("readDepth", depth.toJson());
  }
}
