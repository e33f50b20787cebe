package news.engagement.counting;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import news.engagement.metrics.EngagementMetrics.CountedType;

/**
 * A shard's events waiting for their batch, oldest first. The first {@code looseMax} are kept as they
 * came; past that (Redis slow or away, a backlog of up to {@code MAX_PENDING_EVENTS}) they are packed into
 * chunks: per event its type, article, network and source as references to the strings every event of
 * that article or source shares already, and its visitor and address hashes as bytes. A million waiting
 * events are then a few thousand objects instead of five million, which the collector would otherwise
 * trace again in every cycle, taking the cores from the HTTP path (a third of the CPU samples with Redis
 * away, docs/benchmarks.md), and they take a third of the memory. A chunk is unpacked when the events
 * before it have gone into batches. Not thread-safe (the batcher's context owns it).
 */
final class Backlog {
  static final int CHUNK = 1024;
  private static final CountedType[] TYPES = CountedType.values();

  private final int looseMax;
  private final ArrayDeque<Countable> loose = new ArrayDeque<>();
  private final ArrayDeque<Chunk> packed = new ArrayDeque<>();
  private int size;

  Backlog(int looseMax) {
    this.looseMax = looseMax;
  }

  void add(Countable event) {
    size++;
    if (packed.isEmpty() && loose.size() < looseMax) {
      loose.add(event);
      return;
    }
    Chunk last = packed.peekLast();
    if (last == null || last.full()) {
      last = new Chunk();
      packed.add(last);
    }
    last.add(event);
  }

  /** The oldest event, or null when none waits. */
  Countable poll() {
    if (loose.isEmpty()) {
      Chunk first = packed.poll();
      if (first == null) {
        return null;
      }
      first.unpackInto(loose);
    }
    size--;
    return loose.poll();
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** Events in packed form (for tests). */
  int packedEvents() {
    return packed.stream().mapToInt(c -> c.count).sum();
  }

  private static final class Chunk {
    final byte[] types = new byte[CHUNK];
    final String[] articles = new String[CHUNK];
    final String[] networks = new String[CHUNK];
    final String[] sources = new String[CHUNK];
    /** Per event the end of its visitor's bytes and of its address's in {@link #bytes}. */
    final int[] ends = new int[2 * CHUNK];
    byte[] bytes = new byte[CHUNK * 48];
    int length;
    int count;

    boolean full() {
      return count == CHUNK;
    }

    void add(Countable e) {
      types[count] = (byte) e.type().ordinal();
      articles[count] = e.article();
      networks[count] = e.network();
      sources[count] = e.source();
      ends[2 * count] = append(e.visitor());
      ends[2 * count + 1] = append(e.address());
      count++;
    }

    private int append(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      if (length + b.length > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, length + b.length));
      }
      System.arraycopy(b, 0, bytes, length, b.length);
      length += b.length;
      return length;
    }

    void unpackInto(ArrayDeque<Countable> out) {
      int from = 0;
      for (int i = 0; i < count; i++) {
        int visitorEnd = ends[2 * i];
        int addressEnd = ends[2 * i + 1];
        String visitor = new String(bytes, from, visitorEnd - from, StandardCharsets.UTF_8);
        String address = addressEnd == visitorEnd ? ""
            : new String(bytes, visitorEnd, addressEnd - visitorEnd, StandardCharsets.UTF_8);
        out.add(new Countable(TYPES[types[i]], articles[i], visitor, networks[i], address, sources[i]));
        from = addressEnd;
      }
    }
  }
}
