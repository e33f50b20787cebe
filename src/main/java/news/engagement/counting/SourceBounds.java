package news.engagement.counting;

import java.time.Duration;

/**
 * Bounds of the live traffic-source counts the batch script keeps ({@link Keys#articleSources},
 * {@link Keys#siteSources}): at most {@code perArticle} distinct sources per article and bucket and
 * {@code perShard} per shard and bucket, the rest counted as {@code <medium>:other} (so at most that many
 * plus one per medium); five-minute buckets (the last hour) live {@code fiveMinuteTtl}, hour buckets (the
 * last day) {@code hourTtl}, each counted from its first write.
 */
public record SourceBounds(int perArticle, int perShard, Duration fiveMinuteTtl, Duration hourTtl) {
  /** Twelve five-minute buckets make the last hour, 24 hour buckets the last day, each with a margin. */
  public static final SourceBounds DEFAULT = new SourceBounds(20, 200, Duration.ofMinutes(75), Duration.ofHours(26));

  public SourceBounds {
    if (perArticle < 1 || perShard < 1 || fiveMinuteTtl.toSeconds() < 1 || hourTtl.toSeconds() < 1) {
      throw new IllegalArgumentException("source bounds must be positive");
    }
  }
}
