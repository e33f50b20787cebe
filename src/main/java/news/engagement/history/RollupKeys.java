package news.engagement.history;

import news.engagement.counting.Keys;

/**
 * The roll-up's Redis keys, all under one hash tag so each of its scripts runs on one Redis Cluster slot:
 * per period (hours, days) the first period rolled, the next one to roll (the watermark) and the marks of
 * periods to roll again (a hash: period start to a sequence number); one sequence counter for both. A
 * handful of keys whatever the traffic; marks are cleared as they are rolled.
 */
final class RollupKeys {
  private static final String BASE = Keys.PREFIX + "{rollup}:";
  /** Lease of the one instance that rolls at a time (a key of its own, like the flush lease). */
  static final String LEASE = Keys.PREFIX + "rollup:lease";
  /** Epoch seconds from which the minute-ordered copy still holds every row: earlier hours read the rows table. */
  static final String COPY_FROM = BASE + "copy:from";
  static final Period HOURS = new Period("hour", RollupSchema.HOUR);
  static final Period DAYS = new Period("day", RollupSchema.DAY);

  private RollupKeys() {
  }

  /** One kind of period: its name ("hour", "day") and length in seconds, and its keys. */
  record Period(String name, long seconds) {
    String first() {
      return BASE + name + ":first";
    }

    String next() {
      return BASE + name + ":next";
    }

    String marks() {
      return BASE + name + ":marks";
    }

    String sequence() {
      return BASE + "seq";
    }

    /** The keys of rollup-mark.lua and rollup-advance.lua, in their order. */
    String[] scriptKeys() {
      return new String[] {first(), next(), marks(), sequence()};
    }

    long startOf(long epochSecond) {
      return Math.floorDiv(epochSecond, seconds) * seconds;
    }
  }
}
