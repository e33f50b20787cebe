package news.engagement.counting;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import news.engagement.metrics.EngagementMetrics.CountedType;
import news.engagement.redis.LuaScript;

/**
 * One batch of events encoded as the arguments of {@code apply-batch.lua}. Built once and re-sent
 * unchanged on retry, so its id and clock make a repeated application a no-op.
 *
 * <p>Coalesces in process what needs no Redis round trip: a repeated view or share of the same
 * visitor, article (and network) inside the batch is a duplicate already; previews of an article add up.
 */
final class Batch {
  /** Applies a batch; see its header for the arguments and the result. */
  static final LuaScript SCRIPT = LuaScript.load("/news/engagement/counting/apply-batch.lua");

  /** Positions in the script's result list. */
  static final int VIEWS = 0;
  static final int VIEWS_DUP = 1;
  static final int LIKES = 2;
  static final int LIKES_DUP = 3;
  static final int UNLIKES = 4;
  static final int UNLIKES_DUP = 5;
  static final int SHARES = 6;
  static final int SHARES_DUP = 7;
  static final int PREVIEWS = 8;

  final String id;
  final long nowMillis;
  final String[] args;
  final int events;
  /** Views and shares found to be duplicates before sending (same key twice in this batch). */
  final int localViewDuplicates;
  final int localShareDuplicates;

  private Batch(String id, long nowMillis, String[] args, int events, int localViewDuplicates,
      int localShareDuplicates) {
    this.id = id;
    this.nowMillis = nowMillis;
    this.args = args;
    this.events = events;
    this.localViewDuplicates = localViewDuplicates;
    this.localShareDuplicates = localShareDuplicates;
  }

  static Batch of(String id, long nowMillis, long dedupWindowMillis, List<Countable> events) {
    List<String> args = new ArrayList<>(3 + events.size() * 4);
    args.add(id);
    args.add(Long.toString(nowMillis));
    args.add(Long.toString(dedupWindowMillis));
    Set<String> seen = new HashSet<>();
    Map<String, Integer> previews = new HashMap<>();
    int viewDup = 0;
    int shareDup = 0;
    for (Countable e : events) {
      switch (e.type()) {
        case VIEW -> {
          if (seen.add("v\t" + e.article() + "\t" + e.visitor())) {
            add(args, "v", e.article(), e.visitor(), "");
          } else {
            viewDup++;
          }
        }
        case SHARE -> {
          if (seen.add("s\t" + e.article() + "\t" + e.network() + "\t" + e.visitor())) {
            add(args, "s", e.article(), e.visitor(), e.network());
          } else {
            shareDup++;
          }
        }
        case PREVIEW -> previews.merge(e.article(), 1, Integer::sum);
        case LIKE -> add(args, "l", e.article(), e.visitor(), "");
        case UNLIKE -> add(args, "u", e.article(), e.visitor(), "");
        default -> throw new IllegalArgumentException("not countable: " + e.type());
      }
    }
    previews.forEach((article, n) -> add(args, "p", article, "", Integer.toString(n)));
    return new Batch(id, nowMillis, args.toArray(String[]::new), events.size(), viewDup, shareDup);
  }

  private static void add(List<String> args, String code, String article, String visitor, String detail) {
    args.add(code);
    args.add(article);
    args.add(visitor);
    args.add(detail);
  }

  /** How many of each type counted and were duplicates, from the script's result plus local coalescing. */
  record Outcome(Map<CountedType, Long> counted, long duplicates) {
  }

  Outcome outcome(List<Long> result) {
    Map<CountedType, Long> counted = new HashMap<>();
    counted.put(CountedType.VIEW, result.get(VIEWS));
    counted.put(CountedType.LIKE, result.get(LIKES));
    counted.put(CountedType.UNLIKE, result.get(UNLIKES));
    counted.put(CountedType.SHARE, result.get(SHARES));
    counted.put(CountedType.PREVIEW, result.get(PREVIEWS));
    long duplicates = result.get(VIEWS_DUP) + result.get(LIKES_DUP) + result.get(UNLIKES_DUP)
        + result.get(SHARES_DUP) + localViewDuplicates + localShareDuplicates;
    return new Outcome(counted, duplicates);
  }
}
