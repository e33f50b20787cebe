package news.engagement.query;

import java.util.ArrayList;
import java.util.List;
import news.engagement.counting.Keys.BucketSize;

/**
 * Covers a stretch of closed time with the fewest buckets: whole UTC days where they fit, then whole
 * hours, then 5-minute buckets. Day and hour buckets are roll-ups ({@link Rollups}); a cover is what
 * a closed-window sum, a baseline sum and a window's uniques read.
 */
final class Cover {
  private static final long FIVE = BucketSize.FIVE_MINUTES.length().toSeconds();
  private static final long HOUR = BucketSize.HOUR.length().toSeconds();
  private static final long DAY = BucketSize.DAY.length().toSeconds();

  private Cover() {
  }

  /** One bucket of a cover. */
  record Unit(BucketSize size, long start) {
    long end() {
      return start + size.length().toSeconds();
    }

    /** The marker member of a rolled bucket in {@code Keys.rolled}. */
    String marker() {
      return size.code() + ":" + start;
    }
  }

  /** Buckets covering [from, to), oldest first; both ends on 5-minute boundaries. */
  static List<Unit> of(long from, long to) {
    if (from % FIVE != 0 || to % FIVE != 0) {
      throw new IllegalArgumentException("not on 5-minute boundaries: " + from + ", " + to);
    }
    List<Unit> units = new ArrayList<>();
    long t = from;
    while (t < to) {
      BucketSize size = t % DAY == 0 && t + DAY <= to ? BucketSize.DAY
          : t % HOUR == 0 && t + HOUR <= to ? BucketSize.HOUR
          : BucketSize.FIVE_MINUTES;
      units.add(new Unit(size, t));
      t += size.length().toSeconds();
    }
    return units;
  }

  /** The finer buckets a roll-up is made of: 12 five-minute buckets of an hour, 24 hours of a day. */
  static List<Unit> parts(Unit unit) {
    BucketSize finer = switch (unit.size()) {
      case HOUR -> BucketSize.FIVE_MINUTES;
      case DAY -> BucketSize.HOUR;
      case FIVE_MINUTES -> throw new IllegalArgumentException("5-minute buckets are not rolled up");
    };
    List<Unit> parts = new ArrayList<>();
    for (long t = unit.start(); t < unit.end(); t += finer.length().toSeconds()) {
      parts.add(new Unit(finer, t));
    }
    return parts;
  }
}
