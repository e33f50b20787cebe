package news.engagement.ingest;

import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import news.engagement.config.Cidr;

/**
 * Events per client per minute, counted in this instance's memory (a fixed window per UTC minute).
 * Clients are held as address strings in memory only, never stored. A limit of 0 turns it off.
 *
 * <p>An IPv6 client is its /64: one subscriber or host gets a whole /64 and can pick any address in
 * it, so limiting per address would not limit at all. Memory is bounded: past {@link #MAX_CLIENTS}
 * the least recently seen client is forgotten, never everyone at once, so a flood of fresh addresses
 * cannot reset the count of a client that keeps sending.
 */
public final class RateLimiter {
  /** At about 200 bytes per tracked client, some 60 MB at most. */
  static final int MAX_CLIENTS = 300_000;
  /** Independent locks, so event loops rarely wait for each other. */
  private static final int SHARDS = 16;

  private final int perMinute;
  private final Clock clock;
  private final Shard[] shards = new Shard[SHARDS];

  public RateLimiter(int perMinute, Clock clock) {
    this(perMinute, clock, MAX_CLIENTS);
  }

  RateLimiter(int perMinute, Clock clock, int maxClients) {
    this.perMinute = perMinute;
    this.clock = Objects.requireNonNull(clock, "clock");
    for (int i = 0; i < SHARDS; i++) {
      shards[i] = new Shard(Math.max(1, maxClients / SHARDS));
    }
  }

  /** How many of {@code wanted} events the client may still send this minute; takes them. */
  public int take(String client, int wanted) {
    if (perMinute == 0) {
      return wanted;
    }
    String key = key(client);
    long minute = clock.millis() / 60_000L;
    Shard shard = shards[Math.floorMod(key.hashCode(), SHARDS)];
    synchronized (shard) {
      Usage usage = shard.get(key);
      if (usage == null) {
        usage = new Usage();
        shard.put(key, usage);
      }
      if (usage.minute != minute) {
        usage.minute = minute;
        usage.used = 0;
      }
      int granted = Math.max(0, Math.min(wanted, perMinute - usage.used));
      usage.used += granted;
      return granted;
    }
  }

  /** Clients tracked now (for tests of the bound). */
  int tracked() {
    int n = 0;
    for (Shard shard : shards) {
      synchronized (shard) {
        n += shard.size();
      }
    }
    return n;
  }

  /** The IPv4 address (also when written IPv4-mapped), the /64 prefix for IPv6, else the text as given. */
  static String key(String client) {
    byte[] address = Cidr.literal(client);
    if (address == null) {
      return client;
    }
    if (address.length == 4) {
      return (address[0] & 0xFF) + "." + (address[1] & 0xFF) + "." + (address[2] & 0xFF) + "." + (address[3] & 0xFF);
    }
    return HexFormat.of().formatHex(address, 0, 8) + "::/64";
  }

  private static final class Usage {
    long minute = Long.MIN_VALUE;
    int used;
  }

  /** A map in access order that drops its least recently used entry when over its bound. */
  private static final class Shard extends LinkedHashMap<String, Usage> {
    private final int bound;

    Shard(int bound) {
      super(1024, 0.75f, true);
      this.bound = bound;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Usage> eldest) {
      return size() > bound;
    }
  }
}
