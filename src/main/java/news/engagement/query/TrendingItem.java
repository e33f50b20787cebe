package news.engagement.query;

import io.vertx.core.json.JsonObject;

/**
 * An article's rise: {@code recent} views in the window, {@code baseline} the views its usual rate
 * predicts for the same stretch of time, and the smoothed ratio of the two ({@link Trending#score}).
 */
public record TrendingItem(String article, long recent, double baseline, double score) {
  public JsonObject toJson() {
    return new JsonObject()
        .put("article", article)
        .put("recent", recent)
        .put("baseline", round(baseline, 100))
        .put("score", round(score, 1000));
  }

  private static double round(double value, int scale) {
    return Math.round(value * scale) / (double) scale;
  }
}
