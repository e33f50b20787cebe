package news.engagement.presence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import news.engagement.counting.Keys;

/**
 * One shard's coalesced sightings, as the keys and arguments of {@code write.lua} (see its header):
 * per article and visitor only the latest moment, per minute, article and visitor the sum of engaged
 * seconds, per article and pinging visitor its read depth. However many pings a reader sends, a slice
 * holds one entry per (article, visitor).
 */
final class Slice {
  private static final long WINDOW_MILLIS = ReadersNow.WINDOW.toMillis();

  final int shard;
  /** Sightings whose article lives on this shard, and pings among them (for pending and metrics). */
  int sightings;
  int pings;
  /** Article parts plus visitor parts held: a sighting is written once both parts are. */
  int parts;
  private final Map<String, Map<String, Long>> readers = new LinkedHashMap<>();
  private final Map<String, Long> site = new HashMap<>();
  private final Map<Long, Map<String, Map<String, Integer>>> engaged = new LinkedHashMap<>();
  /** Per article and pinging visitor its read depth code ({@link ReadDepth#code}). */
  private final Map<String, Map<String, Integer>> depth = new HashMap<>();
  /** The last moment {@link #millis} wrote, and its text. */
  private long lastMillis = Long.MIN_VALUE;
  private String lastMillisText;

  Slice(int shard) {
    this.shard = shard;
  }

  /**
   * The article's part of a sighting (this is the article's shard); {@code member} is {@link #member}'s,
   * or null when it is below the readers set's sampling level (the article is still in the call, so its
   * place in the ranking is refreshed).
   */
  void addArticle(Sighting s, String member) {
    sightings++;
    parts++;
    if (s.ping()) {
      pings++;
    }
    Map<String, Long> members = readers.computeIfAbsent(s.article(), a -> new HashMap<>());
    if (member != null) {
      members.merge(member, s.atMillis(), Math::max);
    }
    if (s.ping()) {
      depth.computeIfAbsent(s.article(), a -> new HashMap<>())
          .merge(s.visitor(), ReadDepth.code(s.depth(), s.engagedSeconds() > 0), ReadDepth::merge);
    }
    if (s.engagedSeconds() > 0) {
      long minute = Math.floorDiv(s.atMillis(), 60_000L) * 60;
      engaged.computeIfAbsent(minute, m -> new LinkedHashMap<>())
          .computeIfAbsent(s.article(), a -> new HashMap<>())
          .merge(s.visitor(), s.engagedSeconds(), Integer::sum);
    }
  }

  /** The visitor's part of a sighting (this is the visitor's shard). */
  void addVisitor(Sighting s, String member) {
    parts++;
    site.merge(member, s.atMillis(), Math::max);
  }

  /** Folds a newer slice of the same shard into this one (while this one waits to be re-sent). */
  void absorb(Slice newer) {
    sightings += newer.sightings;
    pings += newer.pings;
    parts += newer.parts;
    newer.readers.forEach((article, members) -> {
      Map<String, Long> mine = readers.computeIfAbsent(article, a -> new HashMap<>());
      members.forEach((m, t) -> mine.merge(m, t, Math::max));
    });
    newer.site.forEach((m, t) -> site.merge(m, t, Math::max));
    newer.depth.forEach((article, codes) -> {
      Map<String, Integer> mine = depth.computeIfAbsent(article, a -> new HashMap<>());
      codes.forEach((visitor, code) -> mine.merge(visitor, code, ReadDepth::merge));
    });
    newer.engaged.forEach((minute, byArticle) -> byArticle.forEach((article, byVisitor) -> byVisitor.forEach(
        (visitor, seconds) -> engaged.computeIfAbsent(minute, x -> new LinkedHashMap<>())
            .computeIfAbsent(article, x -> new HashMap<>()).merge(visitor, seconds, Integer::sum))));
  }

  boolean isEmpty() {
    return readers.isEmpty() && site.isEmpty();
  }

  record Call(String[] keys, String[] args) {
  }

  /** The articles of the slice's readers sets. */
  Set<String> articles() {
    return readers.keySet();
  }

  /**
   * {@code refresh}: the articles whose readers set this call trims and gives its TTL. {@code siteLevel}
   * and {@code levelOf}: the sampling levels the last call answered (0 when unknown); members below them
   * are left out, as the script would drop them.
   */
  Call encode(Keys keys, String writerId, long sequence, long nowMillis, int exactMax, Set<String> refresh,
      int siteLevel, ToIntFunction<String> levelOf) {
    List<String> k = new ArrayList<>();
    List<String> a = new ArrayList<>();
    k.add(keys.presenceWatermark(shard, writerId));
    k.add(keys.siteReaders(shard));
    k.add(keys.siteReadersLevel(shard));
    k.add(keys.readersRanking(shard));
    k.add(keys.readersTouched(shard));
    k.add(keys.engagedDirty(shard));
    a.add(Long.toString(sequence));
    a.add(Long.toString(nowMillis));
    a.add(Long.toString(nowMillis - WINDOW_MILLIS));
    a.add(Integer.toString(exactMax));
    pairs(a, site, siteLevel);
    a.add(Integer.toString(readers.size()));
    readers.forEach((article, members) -> {
      k.add(keys.readers(article));
      k.add(keys.readersLevel(article));
      Map<String, Integer> codes = depth.getOrDefault(article, Map.of());
      if (!codes.isEmpty()) {
        // Only an article with read depth to add names its totals hash and depth HyperLogLogs.
        k.add(keys.counts(article));
        ReadDepth.PARTS.forEach(part -> k.add(keys.readDepth(article, part)));
      }
      a.add(article);
      a.add(refresh.contains(article) ? "1" : "0");
      pairs(a, members, levelOf.applyAsInt(article));
      a.add(Integer.toString(codes.size()));
      codes.forEach((visitor, code) -> {
        a.add(visitor);
        a.add(Integer.toString(code));
      });
    });
    a.add(Integer.toString(engaged.size()));
    engaged.forEach((minute, byArticle) -> {
      k.add(keys.engagedMinute(shard, minute));
      k.add(keys.engagedVisitors(shard, minute));
      a.add(Long.toString(minute));
      int n = byArticle.values().stream().mapToInt(Map::size).sum();
      a.add(Integer.toString(n));
      byArticle.forEach((article, byVisitor) -> byVisitor.forEach((visitor, seconds) -> {
        a.add(article);
        a.add(visitor);
        a.add(Integer.toString(seconds));
      }));
    });
    return new Call(k.toArray(String[]::new), a.toArray(String[]::new));
  }

  /** The count, then (member, moment) pairs of the members at or above {@code level}. */
  private void pairs(List<String> args, Map<String, Long> members, int level) {
    int countAt = args.size();
    args.add(null);
    int n = 0;
    for (Map.Entry<String, Long> e : members.entrySet()) {
      if (level == 0 || sampleOf(e.getKey()) >= level) {
        args.add(e.getKey());
        args.add(millis(e.getValue()));
        n++;
      }
    }
    args.set(countAt, Integer.toString(n));
  }

  /** The sample level a {@link #member} starts with. */
  static int sampleOf(String member) {
    int level = 0;
    for (int i = 0; i < member.length(); i++) {
      char c = member.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      level = level * 10 + (c - '0');
    }
    return level;
  }

  /** A sighting's moment as text; sightings in insertion order share their millisecond in bursts, so one string each. */
  private String millis(long at) {
    if (at != lastMillis) {
      lastMillis = at;
      lastMillisText = Long.toString(at);
    }
    return lastMillisText;
  }

  /**
   * A readers-set member: the visitor's sample level, then the visitor. The level is the number of
   * trailing zero bits (0..20) of a stable mix of the visitor hash, so each level holds half the
   * visitors of the one below, the same on every instance.
   */
  static String member(String visitor) {
    return member(sample(visitor), visitor);
  }

  /** {@link #member(String)} of a visitor whose {@link #sample} is known. */
  static String member(int sample, String visitor) {
    return sample + "|" + visitor;
  }

  static int sample(String visitor) {
    int h = visitor.hashCode(); // String.hashCode is specified, so every JVM agrees
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return Integer.numberOfTrailingZeros(h | (1 << 20));
  }
}
