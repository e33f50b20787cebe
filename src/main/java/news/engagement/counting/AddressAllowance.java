package news.engagement.counting;

import news.engagement.metrics.EngagementMetrics.CountedType;

/**
 * The first views of each (article, sender address group) that this instance sees in a dedup window
 * are counted without Redis keeping a counter for the pair; only the views past that allowance carry
 * their address group into the batch script, which bounds them at {@code maxViewsPerAddress} less the
 * allowance. Almost every pair on a real site has a view or two, so the per-address bound costs Redis
 * nothing for them: measured on the long-tail bench, a field per pair in the shard's address hash was
 * a third of Redis' time per view (15.4 against 10.4 µs).
 *
 * <p>On one instance the bound stays exact: allowance + (bound - allowance). With N instances sharing an
 * address's traffic, one address adds at most {@code maxViewsPerAddress + (N - 1) * allowance} views
 * to an article per window. The allowance is {@link #MAX_ALLOWANCE} (16), or half the bound when that
 * is smaller.
 *
 * <p>Memory, and the heap's work: pairs are counted in two generations of {@link #GENERATION} pairs each,
 * open-addressed tables of 64-bit keys (the two ids' hash codes) and byte counts, so a view adds no
 * object to the heap (a map entry per pair, alive for seconds, was most of what young collections
 * copied on the long-tail bench). A pair not seen in the current generation is looked up in the
 * previous one and carried over; when the current one is full it becomes the previous one, so a pair
 * seen in neither of the last two generations is forgotten and gets its allowance again (an address
 * hammering one article stays current). Two pairs with the same key share one count: each then gets
 * less than its allowance, never more. Owned by the batcher's context.
 */
final class AddressAllowance {
  static final int MAX_ALLOWANCE = 16;
  /** Pairs per generation; a generation's table has four times as many slots. */
  static final int GENERATION = 100_000;
  private static final int SLOTS = Integer.highestOneBit(GENERATION * 4 - 1) << 1;

  private final long windowMillis;
  private final int allowance;
  private long windowStart = Long.MIN_VALUE;
  /** Allocated on first use (about 9 MB for the two). */
  private Generation current;
  private Generation previous;

  /** One generation: linear probing over {@link #SLOTS} slots; key 0 marks an empty slot. */
  private static final class Generation {
    final long[] keys = new long[SLOTS];
    final byte[] counts = new byte[SLOTS];
    int size;

    /** The slot holding {@code key}, or the empty slot where it would go. */
    int slot(long key) {
      int i = (int) mix(key) & (SLOTS - 1);
      while (keys[i] != 0 && keys[i] != key) {
        i = (i + 1) & (SLOTS - 1);
      }
      return i;
    }

    void clear() {
      java.util.Arrays.fill(keys, 0L);
      size = 0;
    }
  }

  AddressAllowance(Limits limits) {
    this.windowMillis = limits.dedupWindow().toMillis();
    this.allowance = allowanceOf(limits);
  }

  static int allowanceOf(Limits limits) {
    return Math.min(MAX_ALLOWANCE, limits.maxViewsPerAddress() / 2);
  }

  /** The limits the batch script applies: the bound less what this class lets through first. */
  static Limits forScript(Limits limits) {
    return new Limits(limits.dedupWindow(), limits.maxViewsPerAddress() - allowanceOf(limits));
  }

  /** The event as the script should see it: within the allowance, without its address group. */
  Countable admit(Countable event, long nowMillis) {
    if (allowance == 0 || event.type() != CountedType.VIEW || event.address().isEmpty()) {
      return event;
    }
    long start = Math.floorDiv(nowMillis, windowMillis) * windowMillis;
    if (current == null) {
      current = new Generation();
      previous = new Generation();
    } else if (start != windowStart) {
      current.clear();
      previous.clear();
    }
    windowStart = start;
    long key = ((long) event.article().hashCode() << 32) | (event.address().hashCode() & 0xFFFFFFFFL);
    if (key == 0) {
      key = 1;
    }
    int slot = current.slot(key);
    if (current.keys[slot] == 0) {
      int carried = 0;
      int before = previous.slot(key);
      if (previous.keys[before] != 0) {
        carried = previous.counts[before];
      }
      if (current.size >= GENERATION) {
        Generation full = current;
        current = previous;
        previous = full;
        current.clear();
        slot = current.slot(key);
      }
      current.keys[slot] = key;
      current.counts[slot] = (byte) carried;
      current.size++;
    }
    if (current.counts[slot] < allowance) {
      current.counts[slot]++;
      return event.withoutAddress();
    }
    return event;
  }

  /** A 64-bit finalizer (MurmurHash3's), so similar keys spread over the table. */
  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ (h >>> 33);
  }
}
