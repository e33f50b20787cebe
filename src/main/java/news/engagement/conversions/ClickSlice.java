package news.engagement.conversions;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import news.engagement.counting.Keys.BucketSize;

/**
 * One shard's clicks waiting for Redis, as the keys and arguments of {@code count.lua} (see its header).
 * A click repeated inside the slice (same article, visitor, kind and name) is a duplicate already and
 * never reaches Redis. Its time (minute and buckets) is fixed when it is first encoded, so a re-sent call
 * is the same call and the shard's watermark recognises it.
 */
final class ClickSlice {
  /** At most this many destinations per article are kept live (SPEC); the rest count as "other". */
  static final int MAX_DESTINATIONS = 20;
  /** Articles kept per goal list and bucket and shard: far more than a list shows (100). */
  static final int LIST_CAP = 1000;

  final int shard;
  int clicks;
  int localDuplicates;
  private final Map<String, List<Click>> byArticle = new LinkedHashMap<>();
  private final Set<String> seen = new HashSet<>();
  private final Set<String> goals = new LinkedHashSet<>();
  private Call encoded;

  ClickSlice(int shard) {
    this.shard = shard;
  }

  void add(Click click) {
    clicks++;
    if (!seen.add(click.article() + '\t' + click.kind() + '\t' + click.name() + '\t' + click.visitor())) {
      localDuplicates++;
      return;
    }
    byArticle.computeIfAbsent(click.article(), a -> new ArrayList<>()).add(click);
    if (click.kind() == Click.CONVERSION) {
      goals.add(click.name());
    }
  }

  record Call(String[] keys, String[] args) {
  }

  /** The call, made once (at the first send) and then the same for every re-send. */
  Call call(ConversionKeys keys, String writerId, long sequence, long nowMillis, long dedupWindowMillis) {
    if (encoded == null) {
      encoded = encode(keys, writerId, sequence, nowMillis, dedupWindowMillis);
    }
    return encoded;
  }

  private Call encode(ConversionKeys keys, String writerId, long sequence, long nowMillis, long dedupWindowMillis) {
    long now = nowMillis / 1000;
    long minute = Math.floorDiv(now, 60) * 60;
    long five = BucketSize.FIVE_MINUTES.startOf(now);
    long hour = BucketSize.HOUR.startOf(now);
    long day = BucketSize.DAY.startOf(now);
    List<String> k = new ArrayList<>();
    List<String> a = new ArrayList<>();
    k.add(keys.watermark(shard, writerId));
    k.add(keys.minute(shard, minute));
    k.add(keys.dirtyMinutes(shard));
    a.add(Long.toString(sequence));
    a.add(Long.toString(minute));
    a.add(Long.toString(dedupWindowMillis));
    a.add(Integer.toString(MAX_DESTINATIONS));
    a.add(Long.toString(ConversionKeys.ARTICLE_TTL.toSeconds()));
    a.add(Integer.toString(LIST_CAP));
    for (BucketSize size : BucketSize.values()) {
      a.add(Long.toString(ConversionKeys.retention(size).toSeconds()));
    }
    List<String> lists = new ArrayList<>(goals);
    if (!lists.isEmpty()) {
      lists.add(ConversionKeys.ALL_GOALS);
    }
    a.add(Integer.toString(lists.size()));
    for (String list : lists) {
      a.add(list);
      k.add(keys.goalList(shard, list, BucketSize.FIVE_MINUTES, five));
      k.add(keys.goalList(shard, list, BucketSize.HOUR, hour));
      k.add(keys.goalList(shard, list, BucketSize.DAY, day));
    }
    a.add(Integer.toString(byArticle.size()));
    byArticle.forEach((article, list) -> {
      a.add(article);
      a.add(Integer.toString(list.size()));
      k.add(keys.destinations(article));
      k.add(keys.bucket(article, BucketSize.FIVE_MINUTES, five));
      k.add(keys.bucket(article, BucketSize.HOUR, hour));
      for (Click c : list) {
        a.add(String.valueOf(c.kind()));
        a.add(c.name());
        k.add(keys.seen(article, c.kind(), c.name(), c.visitor()));
        if (c.kind() == Click.OUTBOUND) {
          k.add(keys.seen(article, Click.OUTBOUND, Click.OTHER, c.visitor()));
        }
      }
    });
    return new Call(k.toArray(String[]::new), a.toArray(String[]::new));
  }
}
