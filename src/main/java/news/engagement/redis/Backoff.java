package news.engagement.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Retry with growing delay, logged once per distinct failure: the state of one shard's Redis call that
 * failed transiently (conversions, presence, the counting batcher). After a failure the next try waits
 * twice as long as the last wait, at least {@code minMillis} and at most {@code max}; a call that goes
 * through starts again from nothing. Not thread-safe: owned by the writer's context.
 */
public final class Backoff {
  private final long minMillis;
  private final long maxMillis;
  /** System.nanoTime() before which the failed call is not re-sent (a test clock may stand still). */
  private long retryAtNanos = System.nanoTime();
  private long delayMillis;
  private String lastFailure;

  /** @param minMillis the first wait (the writer's interval) */
  public Backoff(long minMillis, Duration max) {
    this.minMillis = minMillis;
    this.maxMillis = max.toMillis();
  }

  /** How a failure is told in the log: its type and message. */
  public static String reason(Throwable cause) {
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }

  /** True when a call may be sent at {@code nowNanos} (System.nanoTime()). */
  public boolean due(long nowNanos) {
    return nowNanos - retryAtNanos >= 0;
  }

  /**
   * A transient failure: the next try waits longer.
   *
   * @return the failure's {@link #reason} when it differs from the last one (to be logged), else null
   */
  public String failed(Throwable cause) {
    String reason = reason(cause);
    String fresh = reason.equals(lastFailure) ? null : reason;
    lastFailure = reason;
    delayMillis = Math.min(maxMillis, Math.max(minMillis, delayMillis * 2));
    retryAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis);
    return fresh;
  }

  /**
   * The call went through: the next failure waits the first wait again.
   *
   * @return true when a failure was logged before (to log that Redis works again)
   */
  public boolean succeeded() {
    reset();
    boolean recovered = lastFailure != null;
    lastFailure = null;
    return recovered;
  }

  /** The call is done with (e.g. set aside) without having gone through: the wait starts again, the failure is kept. */
  public void reset() {
    delayMillis = 0;
  }
}
