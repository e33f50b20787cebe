package news.engagement.visitor;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Turns a visitor into the keyed hash that Redis sees. With a {@code vid} the hash is of the vid under
 * a fixed key (a vid stays one visitor across days); without, of client IP and User-Agent under the
 * current UTC day's salt, so the same network and browser are one visitor for a day and nothing in
 * Redis links them across days. Both keys derive from {@code VISITOR_SECRET} ({@link VisitorKeys});
 * each hash starts with the secret's key id, so a rotated secret starts fresh visitors.
 */
public final class VisitorIds {
  /** What a client-supplied visitor id must look like. */
  public static final Pattern VID = Pattern.compile("[A-Za-z0-9_-]{8,64}");

  /** {@link #VID} without a regex engine: this runs for every event. */
  public static boolean validVid(String vid) {
    int n = vid.length();
    if (n < 8 || n > 64) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = vid.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final int HASH_BYTES = 12;

  private final VisitorKeys keys;
  private final Clock clock;
  private final ThreadLocal<Macs> macs;

  public VisitorIds(VisitorKeys keys, Clock clock) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.macs = ThreadLocal.withInitial(Macs::new);
  }

  /** The visitor hash for a validated {@code vid} (see {@link #VID}). */
  public String ofVid(String vid) {
    Macs m = macs.get();
    if (m.vid == null) {
      m.vid = new HmacSha256(keys.vidKey());
    }
    return "v" + keys.keyId() + hash(m.vid, vid);
  }

  /** The visitor hash for a client without a vid. */
  public String ofClient(String ip, String userAgent) {
    long day = Math.floorDiv(clock.millis(), 86_400_000L);
    Macs m = macs.get();
    if (m.day != day) {
      m.client = new HmacSha256(keys.daySalt(day));
      m.day = day;
    }
    return "c" + keys.keyId() + hash(m.client, ip + "\n" + (userAgent == null ? "" : userAgent));
  }

  /**
   * The keyed hash of a sender's address group (its IPv4 address, or its IPv6 /64, as the caller
   * groups it) under the day's salt: lets the batch script bound the views one address adds to an
   * article, without Redis seeing the address.
   */
  public String ofAddress(String addressGroup) {
    long day = Math.floorDiv(clock.millis(), 86_400_000L);
    Macs m = macs.get();
    if (m.day != day) {
      m.client = new HmacSha256(keys.daySalt(day));
      m.day = day;
    }
    return "a" + keys.keyId() + hash(m.client, "address\n" + addressGroup);
  }

  private static String hash(HmacSha256 mac, String input) {
    byte[] digest = mac.mac(input.getBytes(StandardCharsets.UTF_8));
    byte[] head = new byte[HASH_BYTES];
    System.arraycopy(digest, 0, head, 0, HASH_BYTES);
    return B64.encodeToString(head);
  }

  /** Per-thread MACs: not thread-safe, and costly to initialise per event. */
  private static final class Macs {
    HmacSha256 vid;
    HmacSha256 client;
    long day = Long.MIN_VALUE;
  }
}
