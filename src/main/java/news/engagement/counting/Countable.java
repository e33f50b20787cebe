package news.engagement.counting;

import java.util.Objects;
import news.engagement.metrics.EngagementMetrics.CountedType;

/**
 * One accepted event on its way to Redis: what it may count as, for which article, by which visitor
 * (a keyed hash, never a raw IP or vid), for shares the network, and the sender's address group (a
 * keyed hash of its IPv4 address or IPv6 /64; empty when unknown), which bounds the views one address
 * can add to an article per dedup window whatever vids it invents. A view's {@code source} is its traffic
 * source as {@code medium:source} (news.engagement.sources), counted with the view if the view counts; empty
 * when unknown (no sources room) and for every other type.
 */
public record Countable(CountedType type, String article, String visitor, String network, String address,
    String source) {
  public Countable(CountedType type, String article, String visitor, String network) {
    this(type, article, visitor, network, "", "");
  }

  public Countable(CountedType type, String article, String visitor, String network, String address) {
    this(type, article, visitor, network, address, "");
  }

  /** The same event without its address group (see {@code AddressAllowance}). */
  public Countable withoutAddress() {
    return new Countable(type, article, visitor, network, "", source);
  }

  public Countable {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(article, "article");
    Objects.requireNonNull(visitor, "visitor");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(source, "source");
    if (type == CountedType.SHARE) {
      Objects.requireNonNull(network, "network");
    }
  }
}
