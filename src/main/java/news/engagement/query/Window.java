package news.engagement.query;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import news.engagement.counting.Keys.BucketSize;

/**
 * A time window of the top lists: the bucket holding "now" plus the whole buckets before it, so a window
 * covers between (its length minus one bucket) and its full length. The bucket arithmetic of the
 * query side lives here and in {@link Cover}; key names come from {@link news.engagement.counting.Keys}.
 */
public enum Window {
  HOUR("1h", BucketSize.FIVE_MINUTES, 12, 24),
  DAY("24h", BucketSize.HOUR, 24, 7 * 24),
  WEEK("7d", BucketSize.HOUR, 7 * 24, 0),
  MONTH("30d", BucketSize.DAY, 30, 0);

  private final String code;
  private final BucketSize bucket;
  private final int buckets;
  private final int baselineHours;

  /**
   * @param baselineHours how many whole hours before the window make an article's usual rate for
   *     trending; 0 where trending is not offered (hourly buckets are kept 9 days)
   */
  Window(String code, BucketSize bucket, int buckets, int baselineHours) {
    this.code = code;
    this.bucket = bucket;
    this.buckets = buckets;
    this.baselineHours = baselineHours;
  }

  public String code() {
    return code;
  }

  public BucketSize bucket() {
    return bucket;
  }

  public int buckets() {
    return buckets;
  }

  public static Optional<Window> parse(String code) {
    return Arrays.stream(values()).filter(w -> w.code.equals(code)).findFirst();
  }

  static String codes() {
    return String.join(", ", Arrays.stream(values()).map(Window::code).toList());
  }

  /** Start of the oldest bucket in the window at {@code now}. */
  public Instant start(Instant now) {
    long current = bucket.startOf(now.getEpochSecond());
    return Instant.ofEpochSecond(current - (buckets - 1) * bucket.length().toSeconds());
  }

  /** Bucket start times, newest (the one holding {@code now}) first. */
  public List<Long> bucketStarts(Instant now) {
    long current = bucket.startOf(now.getEpochSecond());
    long step = bucket.length().toSeconds();
    List<Long> starts = new ArrayList<>(buckets);
    for (int i = 0; i < buckets; i++) {
      starts.add(current - i * step);
    }
    return starts;
  }

  /** The 5-minute bucket that holds {@code now}: read live, with the one before it. */
  public static long openBucket(Instant now) {
    return BucketSize.FIVE_MINUTES.startOf(now.getEpochSecond());
  }

  /**
   * The window's closed part seen from the open 5-minute bucket {@code open}: every bucket of the
   * window except {@code open} and the one before it (which can still get late writes, so both are
   * read live), covered with the largest roll-ups that fit.
   */
  List<Cover.Unit> closedUnits(long open) {
    long from = start(Instant.ofEpochSecond(open)).getEpochSecond();
    long to = open - BucketSize.FIVE_MINUTES.length().toSeconds();
    return Cover.of(from, Math.max(from, to));
  }

  /** Whether trending can compare this window with a baseline. */
  public boolean trendable() {
    return baselineHours > 0;
  }

  /**
   * The baseline of trending: the whole hours just before the hour in which the window starts, so
   * baseline and window never overlap (the gap between them is under an hour).
   */
  public Baseline baseline(Instant now) {
    if (!trendable()) {
      throw new IllegalStateException("no trending baseline for window " + code);
    }
    long hour = BucketSize.HOUR.length().toSeconds();
    long end = BucketSize.HOUR.startOf(start(now).getEpochSecond());
    return new Baseline(Instant.ofEpochSecond(end - baselineHours * hour), Instant.ofEpochSecond(end));
  }

  /** The whole hours [from, to) that make an article's usual rate. */
  public record Baseline(Instant from, Instant to) {
    public Duration length() {
      return Duration.between(from, to);
    }

    /** The roll-ups covering the baseline (days where whole, else hours). */
    List<Cover.Unit> units() {
      return Cover.of(from.getEpochSecond(), to.getEpochSecond());
    }
  }
}
