package news.engagement.counting;

import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;

/**
 * The Redis key model, in one place: every key the service reads or writes is built here and handed
 * to scripts as {@code KEYS}, never assembled inside a script.
 *
 * <p>The live state is split into a fixed number of logical <b>shards</b> ({@code REDIS_SHARDS}, the
 * same on every instance of a deployment). Every key carries its shard's hash tag, {@code {e<i>.<n>}},
 * so one script call touches one cluster slot. An article's keys live on the shard that contains the
 * article id's own slot; per-time-bucket keys (minute totals, top-list buckets, the dirty index) exist
 * once per shard and are merged by their readers (flusher, top-list builder). Tags are chosen so that
 * the shards' slots are spread evenly over the 16 384 slots, so a cluster's masters share them evenly
 * whatever the slot ranges they own. On a single Redis the shards simply live together.
 *
 * <p>Names: {@code eng:{tag}:<family>:...}. Families and their bounds:
 * <ul>
 *   <li>per article, TTL refreshed on write (probation TTL until the article is vouched for):
 *       {@code a} totals hash, {@code u} all-time HyperLogLog, {@code l} likers set;
 *   <li>per visitor and article, TTL = dedup window: {@code ds} share seen;
 *   <li>per article and bucket, TTL = bucket retention: {@code ub} visitors HyperLogLog; per article,
 *       window and open bucket, TTL minutes: {@code wu} visitors of the window's closed buckets;
 *   <li>per shard and bucket, TTL = bucket retention: {@code t} top-list sorted sets, {@code m} minute
 *       totals hash; per shard: {@code m:dirty}, {@code m:clean}, {@code flushed}, {@code wm} batcher watermarks,
 *       {@code w} closed-window sums, {@code rolled} roll-up markers, {@code da} views per sender address
 *       and article in a dedup window (two windows), {@code dv} the views counted in a dedup window
 *       (two windows).
 * </ul>
 */
public final class Keys {
  public static final String PREFIX = "eng:";
  public static final int DEFAULT_SHARDS = 16;
  private static final int SLOTS = SlotHash.SLOT_COUNT;

  /** The field of a minute hash that counts changes to that minute (the ClickHouse row version). */
  public static final String MINUTE_VERSION_FIELD = "__v";

  /** Lease held by the one instance that flushes to ClickHouse at a time (not part of any script with other keys). */
  public static final String FLUSH_LEASE = PREFIX + "flush:lease";

  private final String[] tags;

  public Keys(int shards) {
    if (shards < 1 || shards > 1024) {
      throw new IllegalArgumentException("shards must be 1..1024: " + shards);
    }
    tags = new String[shards];
    for (int i = 0; i < shards; i++) {
      tags[i] = tagFor(i, shards);
    }
  }

  /** The smallest tag {@code e<i>.<n>} whose slot falls in shard i's share of the slot space. */
  private static String tagFor(int shard, int shards) {
    for (int n = 0; ; n++) {
      String tag = "e" + shard + "." + n;
      if (shardOfSlot(SlotHash.getSlot(tag), shards) == shard) {
        return tag;
      }
    }
  }

  private static int shardOfSlot(int slot, int shards) {
    return (int) ((long) slot * shards / SLOTS);
  }

  public int shards() {
    return tags.length;
  }

  /** The shard of an article: the one whose share of the slot space holds the id's own slot. */
  public int shardOf(String article) {
    return shardOfSlot(slotOf(article), tags.length);
  }

  /**
   * Redis Cluster's slot of a key, as {@link SlotHash#getSlot(String)} computes it, without encoding the
   * string to a buffer first (this runs for every event): CRC16/XMODEM of the chars when they are all
   * ASCII and carry no hash tag; anything else goes to Lettuce.
   */
  static int slotOf(String key) {
    int crc = 0;
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c >= 0x80 || c == '{') {
        return SlotHash.getSlot(key);
      }
      crc = ((crc << 8) ^ CRC16[((crc >>> 8) ^ c) & 0xFF]) & 0xFFFF;
    }
    return crc & (SLOTS - 1);
  }

  private static final int[] CRC16 = new int[256];

  static {
    for (int b = 0; b < 256; b++) {
      int crc = b << 8;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      }
      CRC16[b] = crc & 0xFFFF;
    }
  }

  /** The hash tag of a shard, without braces (e.g. {@code e3.7}); every key of the shard contains {@code {tag}}. */
  public String tag(int shard) {
    return tags[shard];
  }

  private String base(int shard) {
    return PREFIX + "{" + tags[shard] + "}:";
  }

  private String article(String family, String article) {
    return base(shardOf(article)) + family + ":" + article;
  }

  // ---- per article -------------------------------------------------------------------------------

  /** Hash of an article's totals: views, likes, previews, shares, share:&lt;network&gt;. */
  public String counts(String article) {
    return article("a", article);
  }

  /** HyperLogLog of an article's visitors, all time. */
  public String uniques(String article) {
    return article("u", article);
  }

  /** Set of visitor hashes whose like on the article is on. */
  public String likers(String article) {
    return article("l", article);
  }

  /** Marker that a visitor's share of the article to a network counted within the dedup window. */
  public String shareSeen(String article, String network, String visitor) {
    return article("ds", article) + ":" + network + ":" + visitor;
  }

  /** HyperLogLog of the article's counted visitors within one time bucket (window uniques). */
  public String bucketUniques(String article, BucketSize size, long bucketStartEpochSeconds) {
    return base(shardOf(article)) + "ub:" + size.code() + ":" + bucketStartEpochSeconds + ":" + article;
  }

  /**
   * HyperLogLog of the article's visitors over the closed buckets of a window, as seen from the 5-minute
   * bucket that starts at {@code openBucketStart} (merged once per bucket by the top-list builder).
   */
  public String closedWindowUniques(String article, String window, long openBucketStart) {
    return base(shardOf(article)) + "wu:" + window + ":" + openBucketStart + ":" + article;
  }

  // ---- per shard ---------------------------------------------------------------------------------

  /** Hash of one minute's cumulative counts of the shard's articles: field "&lt;article&gt;\t&lt;column&gt;", plus "__v". */
  public String minute(int shard, long minuteEpochSeconds) {
    return base(shard) + "m:" + minuteEpochSeconds;
  }

  /** Sorted set of the shard's minutes (member and score: epoch seconds) changed since ClickHouse last had them. */
  public String dirtyMinutes(int shard) {
    return base(shard) + "m:dirty";
  }

  /**
   * Sorted set of the shard's clean minutes whose full hash is still kept for late batches (member and
   * score: epoch seconds); the flusher retires each into a tombstone once it is old enough.
   */
  public String cleanMinutes(int shard) {
    return base(shard) + "m:clean";
  }

  /** Epoch seconds before which every change of the shard is in ClickHouse (for the lag gauge). */
  public String flushedUntil(int shard) {
    return base(shard) + "flushed";
  }

  /** Sorted set of the shard's articles by a metric within one time bucket. */
  public String top(int shard, String metric, BucketSize size, long bucketStartEpochSeconds) {
    return base(shard) + "t:" + metric + ":" + size.code() + ":" + bucketStartEpochSeconds;
  }

  /**
   * Sorted set of the shard's articles by a metric summed over the closed buckets of a window, as
   * seen from the 5-minute bucket that starts at {@code openBucketStart} (built once per bucket by the
   * top-list builder, read by every instance).
   */
  public String closedWindow(int shard, String metric, String window, long openBucketStart) {
    return base(shard) + "w:" + metric + ":" + window + ":" + openBucketStart;
  }

  /** Sorted set of the shard's rolled-up buckets (member: "&lt;size&gt;:&lt;start&gt;", score: start). */
  public String rolled(int shard) {
    return base(shard) + "rolled";
  }

  /**
   * Hash of the views each sender address group (a keyed hash) added to each of the shard's articles in
   * one dedup window (field "&lt;article&gt;\t&lt;group&gt;"), for the per-address bound; kept two windows.
   */
  public String addressViews(int shard, long windowStartMillis) {
    return base(shard) + "da:" + windowStartMillis;
  }

  /**
   * Hash of the views the shard counted in dedup generation {@code generation} (the dedup window's
   * number since the epoch, by Redis' clock): field "&lt;article&gt;\t&lt;visitor&gt;", value the view's time in
   * ms since the generation began. A visitor's view counts again once no view of theirs is in this
   * generation or a window old in the one before; the hash expires when the next generation ends.
   */
  public String viewSeen(int shard, long generation) {
    return base(shard) + "dv:" + generation;
  }

  // ---- traffic sources (counted views by "medium:source"; see docs/sources.md) ----------------------
  // Per article and hour, TTL the shorter of the article's TTL and SourceBounds.ttl: sa, a hash of
  // "<label>" (the hour's views), "<label>@<slot>" (five-minute slot 0..11's) and "#" (sources kept, at
  // most SourceBounds.perArticle; the rest as "<medium>:other"). The same per shard, for the site: sb.
  // Per minute they are fields "<article>\ts:<medium>:<source>" of the minute hash (history flushes them).

  /** Hash of an article's counted views by source within one hour (and its five-minute slots). */
  public String articleSources(String article, long hourStartEpochSeconds) {
    return base(shardOf(article)) + "sa:" + hourStartEpochSeconds + ":" + article;
  }

  /** Hash of the shard's counted views by source within one hour (site-wide sources, merged by readers). */
  public String siteSources(int shard, long hourStartEpochSeconds) {
    return base(shard) + "sb:" + hourStartEpochSeconds;
  }

  /** The last batch sequence a batcher applied on the shard, with that batch's result. */
  public String watermark(int shard, String batcherId) {
    return base(shard) + "wm:" + batcherId;
  }

  // ---- presence (reading now, engaged time): written by news.engagement.presence only -----------------
  //
  // Per article, TTL 2 min refreshed on write: pn readers sorted set (member "<sample>|<visitor>", score
  // last seen in epoch ms; trimmed to 60 s and capped, see presence/PresenceWrite), pnl its sampling
  // level. Per shard: ps / psl the same for the visitors whose own slot falls in the shard (site-wide
  // readers, each visitor on exactly one shard), pr articles by readers now and pt articles by last write
  // (both trimmed to 60 s), pe:<minute> engaged seconds and visitors (TTL 1 d, deleted once flushed and
  // old), pev:<minute> who engaged in that minute (TTL 3 min), pe:dirty minutes ClickHouse lacks,
  // pwm:<writer> a writer's last applied sequence (TTL 1 d). Per article, read depth: pdp / pd25 / pd50 /
  // pd75 / pd100 / pde HyperLogLogs of visitors who pinged / reached that share / engaged (TTL of the
  // article's totals, at least 1 d, so junk ids vanish with their probation).

  /** Lease held by the one instance that flushes engaged time to ClickHouse at a time. */
  public static final String PRESENCE_FLUSH_LEASE = PREFIX + "presence:flush:lease";

  /** The shard whose site-wide readers set holds a visitor (a visitor hash's own slot, like an article's). */
  public int shardOfVisitor(String visitor) {
    return shardOf(visitor);
  }

  /** Sorted set of an article's readers of the last 60 s: member "&lt;sample&gt;|&lt;visitor&gt;", score last seen (ms). */
  public String readers(String article) {
    return article("pn", article);
  }

  /** The sampling level of {@link #readers}: only members whose sample is at least this are kept. */
  public String readersLevel(String article) {
    return article("pnl", article);
  }

  /** Sorted set of the shard's visitors (by their own slot) seen on any article in the last 60 s. */
  public String siteReaders(int shard) {
    return base(shard) + "ps";
  }

  public String siteReadersLevel(int shard) {
    return base(shard) + "psl";
  }

  /** Sorted set of the shard's articles by readers now, as of each article's last presence write. */
  public String readersRanking(int shard) {
    return base(shard) + "pr";
  }

  /** Sorted set of the shard's articles by their last presence write (ms): who to drop from the ranking. */
  public String readersTouched(int shard) {
    return base(shard) + "pt";
  }

  /** Hash of one minute's engaged time of the shard's articles: "&lt;article&gt;\ts" seconds, "&lt;article&gt;\tv" visitors, "__v". */
  public String engagedMinute(int shard, long minuteEpochSeconds) {
    return base(shard) + "pe:" + minuteEpochSeconds;
  }

  /** Set of "&lt;article&gt;\t&lt;visitor&gt;" who engaged in one minute (to count each visitor once). */
  public String engagedVisitors(int shard, long minuteEpochSeconds) {
    return base(shard) + "pev:" + minuteEpochSeconds;
  }

  /** Sorted set of the shard's engaged minutes (member and score: epoch seconds) ClickHouse does not have yet. */
  public String engagedDirty(int shard) {
    return base(shard) + "pe:dirty";
  }

  /**
   * HyperLogLog of an article's pinging visitors who reached a read depth: {@code part} is {@code p} (any
   * ping: the readers depth is measured over), {@code 25}, {@code 50}, {@code 75}, {@code 100} (reached
   * that share), or {@code e} (engaged at least a second). TTL of the article's totals, at least 1 d.
   */
  public String readDepth(String article, String part) {
    return article("pd" + part, article);
  }

  /** The last sequence a presence writer applied on the shard (re-sent writes are no-ops). */
  public String presenceWatermark(int shard, String writerId) {
    return base(shard) + "pwm:" + writerId;
  }

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
}
