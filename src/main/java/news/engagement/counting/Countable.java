package news.engagement.counting;

import java.util.Objects;
import news.engagement.metrics.EngagementMetrics.CountedType;

/**
 * One accepted event on its way to Redis: what it may count as, for which article, by which visitor
 * (a keyed hash, never a raw IP or vid), and for shares the network.
 */
public record Countable(CountedType type, String article, String visitor, String network) {
  public Countable {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(article, "article");
    Objects.requireNonNull(visitor, "visitor");
    if (type == CountedType.SHARE) {
      Objects.requireNonNull(network, "network");
    }
  }
}
