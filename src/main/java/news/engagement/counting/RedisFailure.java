package news.engagement.counting;

import io.lettuce.core.RedisCommandExecutionException;
import java.util.List;

/** Which failures of a batch script a retry can fix (connection, timeout, fail-over, busy, memory) and which not. */
public final class RedisFailure {
  private static final List<String> TRANSIENT = List.of("OOM", "BUSY", "LOADING", "TRYAGAIN", "MOVED", "ASK",
      "CLUSTERDOWN", "READONLY", "MASTERDOWN", "NOREPLICAS", "NOSCRIPT",
      // apply-batch.lua: the call named dedup generations Redis' clock is not in; sent again, named by Redis' clock.
      "CLOCKSKEW");

  private RedisFailure() {
  }

  /** True for an error reply no retry can change: a script error, a key of the wrong type. */
  public static boolean deterministic(Throwable cause) {
    if (!(cause instanceof RedisCommandExecutionException) || cause.getMessage() == null) {
      return false;
    }
    String message = cause.getMessage();
    if (message.startsWith("BATCH_FAILED ")) {
      message = message.substring("BATCH_FAILED ".length());
    }
    for (String prefix : TRANSIENT) {
      if (message.startsWith(prefix)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Redis' clock (ms) from apply-batch.lua's refusal "CLOCKSKEW &lt;ms&gt; ..." (the call named dedup generations
   * Redis' clock is not in), else null.
   */
  public static Long clockSkew(Throwable cause) {
    if (!(cause instanceof RedisCommandExecutionException) || cause.getMessage() == null) {
      return null;
    }
    String message = cause.getMessage();
    int at = message.indexOf("CLOCKSKEW ");
    if (at < 0) {
      return null;
    }
    int from = at + "CLOCKSKEW ".length();
    int to = from;
    while (to < message.length() && Character.isDigit(message.charAt(to))) {
      to++;
    }
    return to > from ? Long.parseLong(message.substring(from, to)) : null;
  }
}
