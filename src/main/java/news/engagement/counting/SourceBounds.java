package news.engagement.counting;

import java.time.Duration;

/**
 * Bounds of the live traffic-source counts the batch script keeps ({@link Keys#articleSources},
 * {@link Keys#siteSources}): at most {@code perArticle} distinct sources per article and five-minute
 * slot and {@code perShard} per shard and slot, the rest counted as {@code <medium>:other} (so at most that many
 * plus one per medium); each hour hash lives {@code ttl} from its first write (24 hours make the last day).
 */
public record SourceBounds(int perArticle, int perShard, Duration ttl) {
  public static final SourceBounds DEFAULT = new SourceBounds(20, 200, Duration.ofHours(26));

  public SourceBounds {
    if (perArticle < 1 || perShard < 1 || ttl.toSeconds() < 1) {
      throw new IllegalArgumentException("source bounds must be positive");
    }
  }
}
