package news.engagement.counting;

import java.time.Duration;
import java.util.Objects;

/**
 * How long an article's live state stays in Redis after its last write. An article starts on probation
 * (a short TTL): ids nobody reads, such as junk a client invents, vanish soon. Once it has counted
 * {@code vouchViews} views it is vouched for and keeps the long TTL, refreshed as it is written.
 */
public record Retention(Duration articleTtl, Duration probationTtl, int vouchViews) {
  public static final Retention DEFAULT = new Retention(Duration.ofDays(400), Duration.ofDays(1), 10);

  public Retention {
    Objects.requireNonNull(articleTtl, "articleTtl");
    Objects.requireNonNull(probationTtl, "probationTtl");
    if (articleTtl.toSeconds() < 1 || probationTtl.toSeconds() < 1 || vouchViews < 1) {
      throw new IllegalArgumentException("TTLs of at least 1 s and a positive vouch threshold: " + articleTtl
          + ", " + probationTtl + ", " + vouchViews);
    }
  }
}
