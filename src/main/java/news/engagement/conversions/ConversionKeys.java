package news.engagement.conversions;

import java.time.Duration;
import java.util.Objects;
import news.engagement.counting.Keys;
import news.engagement.counting.Keys.BucketSize;

/**
 * The Redis keys of conversions and outbound clicks, built like {@link Keys} builds the counter's (same
 * shards, same hash tags, {@code eng:{tag}:c...}), so every script call touches one slot. Families and
 * their bounds:
 * <ul>
 *   <li>per visitor, article and goal or destination, TTL = dedup window: {@code cd} seen marker;
 *   <li>per article, TTL {@link #ARTICLE_TTL} refreshed on write: {@code cx} the destinations kept live
 *       (at most {@code MAX_DESTINATIONS}; clicks to any other count as {@code other});
 *   <li>per article and 5-minute or hour bucket, TTL the bucket's retention: {@code cb} hash of
 *       {@code g:<goal>} and {@code o:<destination>} counts;
 *   <li>per shard, goal (or {@link #ALL_GOALS}) and 5-minute, hour or day bucket: {@code cg} sorted set of
 *       the shard's articles by conversions, capped at {@code LIST_CAP} members;
 *   <li>per shard: {@code cm:<minute>} cumulative counts of a minute for ClickHouse (TTL 1 d), {@code cm:dirty}
 *       minutes ClickHouse lacks, {@code cwm:<writer>} a writer's last applied sequence (TTL 1 d).
 * </ul>
 */
final class ConversionKeys {
  /** The list name of all goals summed (not a valid goal name). */
  static final String ALL_GOALS = "*";
  /** A destination set outlives every bucket it admitted destinations for. */
  static final Duration ARTICLE_TTL = Duration.ofDays(9);
  static final String FLUSH_LEASE = Keys.PREFIX + "conversions:flush:lease";

  private final Keys keys;

  ConversionKeys(Keys keys) {
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  int shards() {
    return keys.shards();
  }

  int shardOf(String article) {
    return keys.shardOf(article);
  }

  private String base(int shard) {
    return Keys.PREFIX + "{" + keys.tag(shard) + "}:";
  }

  private String article(String family, String article) {
    return base(keys.shardOf(article)) + family + ":" + article;
  }

  /** Marker that a visitor's conversion ({@code kind} g) or outbound click (o) of {@code name} counted. */
  String seen(String article, char kind, String name, String visitor) {
    return article("cd", article) + ":" + kind + ":" + name + ":" + visitor;
  }

  /** Set of the destinations an article keeps live. */
  String destinations(String article) {
    return article("cx", article);
  }

  /** Hash of an article's conversions and outbound clicks in one bucket: "g:&lt;goal&gt;", "o:&lt;destination&gt;". */
  String bucket(String article, BucketSize size, long startEpochSeconds) {
    return base(keys.shardOf(article)) + "cb:" + size.code() + ":" + startEpochSeconds + ":" + article;
  }

  /** Sorted set of the shard's articles by conversions of a goal (or all) in one bucket. */
  String goalList(int shard, String goal, BucketSize size, long startEpochSeconds) {
    return base(shard) + "cg:" + goal + ":" + size.code() + ":" + startEpochSeconds;
  }

  /** Hash of one minute's cumulative counts: "&lt;article&gt;\t&lt;kind&gt;\t&lt;name&gt;", plus "__v". */
  String minute(int shard, long minuteEpochSeconds) {
    return base(shard) + "cm:" + minuteEpochSeconds;
  }

  /** Sorted set of the shard's minutes (member and score: epoch seconds) ClickHouse does not have yet. */
  String dirtyMinutes(int shard) {
    return base(shard) + "cm:dirty";
  }

  String watermark(int shard, String writerId) {
    return base(shard) + "cwm:" + writerId;
  }

  /** How long a bucket of a size is kept: its window's reach and a margin. */
  static Duration retention(BucketSize size) {
    return switch (size) {
      case FIVE_MINUTES -> Duration.ofHours(2);
      case HOUR -> Duration.ofDays(8);
      case DAY -> Duration.ofDays(32);
    };
  }
}
