package news.engagement.query;

import io.vertx.core.json.JsonObject;

/**
 * An article's rise: {@code recent} views in the window, {@code baseline} the views its usual rate
 * predicts for the same stretch of time, and the smoothed ratio of the two ({@link Trending#score}); its label
 * when known (else null).
 */
public record TrendingItem(String article, long recent, double baseline, double score, Label label) {
  public TrendingItem(String article, long recent, double baseline, double score) {
    this(article, recent, baseline, score, null);
  }

  TrendingItem labeled(Labels labels) {
    Label known = labels.of(article);
    return known == null ? this : new TrendingItem(article, recent, baseline, score, known);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("article", article)
        .put("recent", recent)
        .put("baseline", round(baseline, 100))
        .put("score", round(score, 1000));
    if (label != null) {
      label.addTo(json);
    }
    return json;
  }

  private static double round(double value, int scale) {
    return Math.round(value * scale) / (double) scale;
  }
}
