package news.engagement.counting;

import java.time.Duration;
import java.util.Objects;

/**
 * The counting rules' windows and bounds: a view (a share per network) counts once per visitor and
 * article per {@code dedupWindow}; and one sender address (an IPv4 address, an IPv6 /64) adds at most
 * {@code maxViewsPerAddress} views to an article per window whatever visitor ids it sends (0 = no bound),
 * so inventing a vid per request cannot inflate an article beyond that.
 */
public record Limits(Duration dedupWindow, int maxViewsPerAddress) {
  public Limits {
    Objects.requireNonNull(dedupWindow, "dedupWindow");
    if (maxViewsPerAddress < 0) {
      throw new IllegalArgumentException("maxViewsPerAddress must be 0 or more: " + maxViewsPerAddress);
    }
  }
}
