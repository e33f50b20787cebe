package news.engagement.counting;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import news.engagement.counting.Keys.BucketSize;
import news.engagement.metrics.EngagementMetrics.CountedType;
import news.engagement.redis.LuaScript;

/**
 * One shard's batch of events, as the keys and arguments of {@code apply-batch.lua} (see its header).
 * Its sequence number and minute are fixed when it is made, so a re-sent batch is recognised by the
 * shard's watermark; the five-minute top bucket is the one of the moment it is sent.
 *
 * <p>Coalesces in process what needs no Redis round trip: a repeated view or share of the same
 * visitor, article (and network) inside the batch is a duplicate already; previews of an article add up.
 */
final class Batch {
  static final LuaScript SCRIPT = LuaScript.load("/news/engagement/counting/apply-batch.lua");
  /** The label the sources room gives a view without referrer or campaign (its {@code Source.DIRECT}). */
  private static final String DIRECT = "direct:direct";

  final int shard;
  final long sequence;
  final long nowMillis;
  final int events;
  final List<Countable> accepted;
  /** Per article, in first-seen order: the events the script decides on. */
  private final Map<String, List<Countable>> byArticle;
  private final Map<String, Integer> previews;
  final int localDuplicates;

  private Batch(int shard, long sequence, long nowMillis, List<Countable> accepted,
      Map<String, List<Countable>> byArticle, Map<String, Integer> previews, int localDuplicates) {
    this.shard = shard;
    this.sequence = sequence;
    this.nowMillis = nowMillis;
    this.accepted = accepted;
    this.events = accepted.size();
    this.byArticle = byArticle;
    this.previews = previews;
    this.localDuplicates = localDuplicates;
  }

  /**
   * A view's or share's identity inside a batch (no string built per event). Its hash and equality are
   * written out: a record's generated ones go through method handles, which were a sixth of the batcher
   * thread's profile on the long-tail bench.
   */
  private record Seen(CountedType type, String article, String network, String visitor) {
    @Override
    public int hashCode() {
      return (article.hashCode() * 31 + visitor.hashCode()) * 31 + Objects.hashCode(network) + type.ordinal();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Seen s && type == s.type && article.equals(s.article) && visitor.equals(s.visitor)
          && Objects.equals(network, s.network);
    }
  }

  static Batch of(int shard, long sequence, long nowMillis, List<Countable> events) {
    Map<String, List<Countable>> byArticle = new LinkedHashMap<>();
    Map<String, Integer> previews = new LinkedHashMap<>();
    Set<Seen> seen = new HashSet<>(Math.max(16, events.size() * 2));
    int duplicates = 0;
    for (Countable e : events) {
      switch (e.type()) {
        case VIEW, SHARE -> {
          Seen id = new Seen(e.type(), e.article(), e.type() == CountedType.VIEW ? null : e.network(), e.visitor());
          if (seen.add(id)) {
            byArticle.computeIfAbsent(e.article(), a -> new ArrayList<>()).add(e);
          } else {
            duplicates++;
          }
        }
        case LIKE, UNLIKE -> byArticle.computeIfAbsent(e.article(), a -> new ArrayList<>()).add(e);
        case PREVIEW -> {
          byArticle.computeIfAbsent(e.article(), a -> new ArrayList<>());
          previews.merge(e.article(), 1, Integer::sum);
        }
        default -> throw new IllegalArgumentException("not countable: " + e.type());
      }
    }
    return new Batch(shard, sequence, nowMillis, List.copyOf(events), byArticle, previews, duplicates);
  }

  /** Articles of this batch, in first-seen order. */
  Set<String> articles() {
    return byArticle.keySet();
  }

  /** The batch's events of one article only (to retry the others without it). */
  Batch only(String article, long newSequence) {
    List<Countable> mine = accepted.stream().filter(e -> e.article().equals(article)).toList();
    return of(shard, newSequence, nowMillis, mine);
  }

  /**
   * The dedup generations declared to the script: the one of {@code redisMillis} (this batcher's estimate
   * of Redis' clock when the call is sent), the two before it and the one after. The script picks the
   * current one and the one before by Redis' own clock, so every instance uses the same ones.
   */
  static final int GENERATIONS = 4;

  /**
   * A dedup generation's length: the window, but at least a second, so that the declared generations
   * cover Redis' clock although the estimate of it lags by a round trip (a window of a few ms in tests).
   */
  static long generationMillis(Duration window) {
    return Math.max(window.toMillis(), 1_000);
  }

  static long generation(long redisMillis, Duration window) {
    return Math.floorDiv(redisMillis, generationMillis(window));
  }

  /** KEYS and ARGV of one application. */
  record Call(String[] keys, String[] args) {
  }

  /**
   * The call for this batch; {@code touched} says which articles need their TTLs refreshed;
   * {@code redisMillis} is the batcher's estimate of Redis' clock (not a test clock), to name the dedup
   * generations by.
   */
  Call encode(Keys keys, String batcherId, Retention retention, Limits limits, long bucketStart,
      boolean touchBuckets, Set<String> touched, long redisMillis) {
    long minute = Math.floorDiv(nowMillis, 60_000) * 60;
    List<String> k = new ArrayList<>(12 + byArticle.size() * 5 + events);
    k.add(keys.watermark(shard, batcherId));
    k.add(keys.minute(shard, minute));
    k.add(keys.dirtyMinutes(shard));
    for (String metric : List.of("views", "likes", "shares")) {
      k.add(keys.top(shard, metric, BucketSize.FIVE_MINUTES, bucketStart));
    }
    long window = limits.dedupWindow().toMillis();
    k.add(keys.addressViews(shard, Math.floorDiv(nowMillis, window) * window));
    long generation = generation(redisMillis, limits.dedupWindow());
    for (long g = generation - 2; g < generation - 2 + GENERATIONS; g++) {
      k.add(keys.viewSeen(shard, g));
    }
    List<String> a = new ArrayList<>(8 + byArticle.size() * 3 + events * 3);
    a.add(Long.toString(sequence));
    a.add(Long.toString(minute));
    a.add(Long.toString(limits.dedupWindow().toMillis()));
    a.add(Long.toString(retention.probationTtl().toSeconds()));
    a.add(Long.toString(retention.articleTtl().toSeconds()));
    a.add(Integer.toString(retention.vouchViews()));
    a.add(Long.toString(BucketSize.FIVE_MINUTES.retention().toSeconds()));
    a.add(touchBuckets ? "1" : "0");
    a.add(Integer.toString(limits.maxViewsPerAddress()));
    a.add(Long.toString(generation));
    a.add(Long.toString(generationMillis(limits.dedupWindow())));
    boolean capped = limits.maxViewsPerAddress() > 0;
    byArticle.forEach((article, list) -> {
      k.add(keys.counts(article));
      k.add(keys.uniques(article));
      k.add(keys.likers(article));
      k.add(keys.bucketUniques(article, BucketSize.FIVE_MINUTES, bucketStart));
      Integer p = previews.get(article);
      a.add(article);
      a.add(touched.contains(article) ? "1" : "0");
      // Views first, as one visitor each (deduplicated against the shard's seen generations), then the address
      // groups of those the bound applies to, then every other event in order.
      int views = 0;
      List<String> groups = new ArrayList<>();
      List<Countable> others = new ArrayList<>();
      int at = a.size();
      a.add("");
      for (Countable e : list) {
        if (e.type() == CountedType.VIEW) {
          views++;
          a.add(e.visitor());
          if (capped && !e.address().isEmpty()) {
            groups.add(Integer.toString(views));
            groups.add(e.address());
          }
        } else {
          others.add(e);
        }
      }
      a.set(at, Integer.toString(views));
      a.add(Integer.toString(groups.size() / 2));
      a.addAll(groups);
      a.add(Integer.toString(others.size() + (p == null ? 0 : 1)));
      for (Countable e : others) {
        switch (e.type()) {
          case SHARE -> {
            k.add(keys.shareSeen(article, e.network(), e.visitor()));
            event(a, "s", e.visitor(), e.network());
          }
          case LIKE -> event(a, "l", e.visitor(), "");
          case UNLIKE -> event(a, "u", e.visitor(), "");
          default -> throw new IllegalStateException(e.type().name());
        }
      }
      if (p != null) {
        event(a, "p", "", Integer.toString(p));
      }
      sources(list, article, keys, bucketStart, k, a);
    });
    // Trailing section of the traffic sources (apply-batch.lua, "traffic sources"): the shard's hour
    // source hash last in KEYS, the bounds and the five-minute slot last in ARGV.
    long hour = BucketSize.HOUR.startOf(bucketStart);
    k.add(keys.siteSources(shard, hour));
    SourceBounds bounds = SourceBounds.DEFAULT;
    a.add(Integer.toString(bounds.perArticle()));
    a.add(Integer.toString(bounds.perShard()));
    a.add(Long.toString(bounds.ttl().toSeconds()));
    a.add(Long.toString((bucketStart - hour) / BucketSize.FIVE_MINUTES.length().toSeconds()));
    return new Call(k.toArray(String[]::new), a.toArray(String[]::new));
  }

  /**
   * The end of an article's group: "D" when every view is direct (no key: direct views are implicit per
   * article, see apply-batch.lua); else the number m of distinct sources of its views, the m labels, and
   * each view event's label number (1..m, 0 for none) joined by ',' ("" when every view has the first);
   * when m > 0 also its hour source hash in KEYS, after its dedup keys.
   */
  private static void sources(List<Countable> events, String article, Keys keys, long bucketStart, List<String> k,
      List<String> a) {
    Map<String, Integer> labels = new LinkedHashMap<>();
    boolean allFirst = true;
    for (Countable e : events) {
      if (e.type() != CountedType.VIEW) {
        continue;
      }
      int index = e.source().isEmpty() ? 0 : labels.computeIfAbsent(e.source(), l -> labels.size() + 1);
      allFirst &= index == 1;
    }
    if (allFirst && labels.size() == 1 && labels.containsKey(DIRECT)) {
      a.add("D");
      return;
    }
    a.add(Integer.toString(labels.size()));
    if (labels.isEmpty()) {
      return;
    }
    a.addAll(labels.keySet());
    if (allFirst) {
      // The usual case (one source, mostly direct): no per-view list to build.
      a.add("");
    } else {
      StringBuilder perView = new StringBuilder();
      for (Countable e : events) {
        if (e.type() == CountedType.VIEW) {
          perView.append(perView.length() == 0 ? "" : ",").append(e.source().isEmpty() ? 0 : labels.get(e.source()));
        }
      }
      a.add(perView.toString());
    }
    k.add(keys.articleSources(article, BucketSize.HOUR.startOf(bucketStart)));
  }

  private static void event(List<String> args, String code, String visitor, String detail) {
    args.add(code);
    args.add(visitor);
    args.add(detail);
  }

  /** What the script reports, by name, plus what was coalesced in process. */
  /** {@code redisMillis}: Redis' clock when the script ran (0 in a replayed answer: that is an old time). */
  record Outcome(Map<CountedType, Long> counted, long duplicates, long capped, boolean replayed, long redisMillis) {
  }

  Outcome outcome(String json) {
    JsonObject r = new JsonObject(json);
    Map<CountedType, Long> counted = new EnumMap<>(CountedType.class);
    counted.put(CountedType.VIEW, r.getLong("views"));
    counted.put(CountedType.LIKE, r.getLong("likes"));
    counted.put(CountedType.UNLIKE, r.getLong("unlikes"));
    counted.put(CountedType.SHARE, r.getLong("shares"));
    counted.put(CountedType.PREVIEW, r.getLong("previews"));
    long duplicates = r.getLong("viewsDuplicate") + r.getLong("likesDuplicate") + r.getLong("unlikesDuplicate")
        + r.getLong("sharesDuplicate") + localDuplicates;
    boolean replayed = r.getBoolean("replayed", false);
    return new Outcome(counted, duplicates, r.getLong("viewsCapped", 0L), replayed,
        replayed ? 0 : r.getLong("now", 0L));
  }
}
