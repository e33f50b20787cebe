package news.engagement.counting;

import java.time.Duration;

/**
 * Every Redis key the service uses, in one place. Per-article keys carry the article id as a hash tag
 * ({@code {id}}) so that the keys read together for one article live in one cluster slot.
 *
 * <p>The batch script ({@code apply-batch.lua}) builds the same names; the two must change together.
 */
public final class Keys {
  public static final String PREFIX = "eng:";

  /** Hash of an article's totals: views, likes, previews, shares, share:&lt;network&gt;. */
  public static String counts(String article) {
    return PREFIX + "a:{" + article + "}";
  }

  /** HyperLogLog of an article's visitors, all time. */
  public static String uniques(String article) {
    return PREFIX + "u:{" + article + "}";
  }

  /** Set of visitor hashes whose like on the article is on. */
  public static String likers(String article) {
    return PREFIX + "l:{" + article + "}";
  }

  /** Hash of one minute's cumulative per-article counts: field "&lt;article&gt;\t&lt;column&gt;", plus "__v". */
  public static String minute(long minuteEpochSeconds) {
    return PREFIX + "m:" + minuteEpochSeconds;
  }

  /** The field of {@link #minute} that counts changes to that minute (the ClickHouse row version). */
  public static final String MINUTE_VERSION_FIELD = "__v";

  /** Sorted set of minutes (member and score: epoch seconds) changed since ClickHouse last had them. */
  public static final String DIRTY_MINUTES = PREFIX + "m:dirty";

  /** Lease held by the one instance that flushes to ClickHouse at a time. */
  public static final String FLUSH_LEASE = PREFIX + "flush:lease";

  /** Epoch seconds before which every counted change is in ClickHouse (set by the flusher; for the lag gauge). */
  public static final String FLUSHED_UNTIL = PREFIX + "flush:until";

  /** Sorted set of articles by a metric within one time bucket. */
  public static String top(String metric, BucketSize size, long bucketStartEpochSeconds) {
    return PREFIX + "t:" + metric + ":" + size.code() + ":" + bucketStartEpochSeconds;
  }

  /**
   * A short-lived key a read script builds and deletes within the same call (e.g. the union of a
   * window's top sets); {@code id} is unique per call.
   */
  public static String scratch(String purpose, String id) {
    return PREFIX + "tmp:" + purpose + ":" + id;
  }

  /** Random key of the visitor hash for one UTC day (epoch day), shared by all instances. */
  public static String daySalt(long epochDay) {
    return PREFIX + "salt:" + epochDay;
  }

  /** Random key for hashing client-supplied visitor ids; never rotates, so a vid stays one visitor. */
  public static final String VID_KEY = PREFIX + "vidkey";

  /** Time buckets of the top lists, with how long Redis keeps each. */
  public enum BucketSize {
    FIVE_MINUTES("5m", Duration.ofMinutes(5), Duration.ofHours(3)),
    HOUR("1h", Duration.ofHours(1), Duration.ofDays(9)),
    DAY("1d", Duration.ofDays(1), Duration.ofDays(32));

    private final String code;
    private final Duration length;
    private final Duration retention;

    BucketSize(String code, Duration length, Duration retention) {
      this.code = code;
      this.length = length;
      this.retention = retention;
    }

    public String code() {
      return code;
    }

    public Duration length() {
      return length;
    }

    public Duration retention() {
      return retention;
    }

    public long startOf(long epochSeconds) {
      long len = length.toSeconds();
      return Math.floorDiv(epochSeconds, len) * len;
    }
  }

  private Keys() {
  }
}
