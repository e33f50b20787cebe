package news.engagement.presence;

import java.util.List;

/**
 * Read depth per article: for each threshold (25, 50, 75, 100 % of the article scrolled) the visitors who
 * reached it, counted once each, in HyperLogLogs beside the visitors who pinged at all (the readers depth
 * is measured over) and those who engaged. A visitor's pings are folded into one code in memory (its
 * deepest threshold and whether it engaged), so {@code write.lua} adds each visitor once per write.
 */
final class ReadDepth {
  /** Key parts in the order write.lua takes them: pinged, 25, 50, 75, 100, engaged. */
  static final List<String> PARTS = List.of("p", "25", "50", "75", "100", "e");

  private ReadDepth() {
  }

  /** A ping as a code: twice the number of thresholds reached (0..4), plus 1 when it engaged. */
  static int code(int depth, boolean engaged) {
    return Math.min(4, Math.max(0, depth) / 25) * 2 + (engaged ? 1 : 0);
  }

  /** Two pings of one visitor: the deeper threshold, engaged if either engaged. */
  static int merge(int a, int b) {
    return Math.max(a >> 1, b >> 1) << 1 | ((a | b) & 1);
  }
}
