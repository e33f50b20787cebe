package news.engagement.web;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Explicit waits for asynchronous effects: poll until the value satisfies the condition, fail after 10 s. */
final class Eventually {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private Eventually() {
  }

  static <T> T await(String what, Supplier<T> value, Predicate<T> condition) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    T last = value.get();
    while (!condition.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("after " + TIMEOUT.toSeconds() + " s still not " + what + "; last value: " + last);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      last = value.get();
    }
    return last;
  }
}
