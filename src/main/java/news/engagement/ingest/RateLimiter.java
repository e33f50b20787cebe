package news.engagement.ingest;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Events per client per minute, counted in this instance's memory (a fixed window per UTC minute).
 * Clients are held as IP strings in memory only, never stored. A limit of 0 turns it off.
 */
public final class RateLimiter {
  private static final int MAX_CLIENTS = 200_000;

  private final int perMinute;
  private final Clock clock;
  private volatile Window window = new Window(Long.MIN_VALUE);

  public RateLimiter(int perMinute, Clock clock) {
    this.perMinute = perMinute;
    this.clock = clock;
  }

  /** How many of {@code wanted} events the client may still send this minute; takes them. */
  public int take(String client, int wanted) {
    if (perMinute == 0) {
      return wanted;
    }
    long minute = clock.millis() / 60_000L;
    Window w = window;
    if (w.minute != minute || w.counts.size() > MAX_CLIENTS) {
      w = new Window(minute);
      window = w;
    }
    AtomicInteger used = w.counts.computeIfAbsent(client, c -> new AtomicInteger());
    int before = used.getAndAdd(wanted);
    int granted = Math.max(0, Math.min(wanted, perMinute - before));
    if (granted < wanted) {
      used.addAndGet(-(wanted - granted));
    }
    return granted;
  }

  private static final class Window {
    final long minute;
    final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    Window(long minute) {
      this.minute = minute;
    }
  }
}
