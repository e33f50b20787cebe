package news.engagement.visitor;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * HMAC-SHA256 (RFC 2104) of one key, with the key's two padded blocks hashed once: each MAC starts from
 * copies of the SHA-256 states after {@code K ^ ipad} and {@code K ^ opad}, so it costs the message's
 * blocks and the outer one instead of two more. The output is exactly {@code javax.crypto.Mac}'s
 * ({@code HmacSha256Test}). Not thread-safe: one per thread, as a {@code Mac} would be.
 */
final class HmacSha256 {
  private static final int BLOCK = 64;
  static final int LENGTH = 32;

  private final MessageDigest innerStart;
  private final MessageDigest outerStart;
  private final byte[] innerDigest = new byte[LENGTH];
  private final byte[] out = new byte[LENGTH];

  HmacSha256(byte[] key) {
    try {
      byte[] k = key.length > BLOCK ? MessageDigest.getInstance("SHA-256").digest(key) : key;
      byte[] ipad = new byte[BLOCK];
      byte[] opad = new byte[BLOCK];
      for (int i = 0; i < BLOCK; i++) {
        byte b = i < k.length ? k[i] : 0;
        ipad[i] = (byte) (b ^ 0x36);
        opad[i] = (byte) (b ^ 0x5c);
      }
      innerStart = MessageDigest.getInstance("SHA-256");
      innerStart.update(ipad);
      outerStart = MessageDigest.getInstance("SHA-256");
      outerStart.update(opad);
      innerStart.clone(); // fails at start, not per event, if the provider's digest cannot be cloned
    } catch (NoSuchAlgorithmException | CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK and its digests can be cloned", e);
    }
  }

  /** The MAC of {@code message}, in a buffer this object reuses: copy what you keep before the next call. */
  byte[] mac(byte[] message) {
    try {
      MessageDigest inner = (MessageDigest) innerStart.clone();
      inner.update(message);
      inner.digest(innerDigest, 0, LENGTH);
      MessageDigest outer = (MessageDigest) outerStart.clone();
      outer.update(innerDigest);
      outer.digest(out, 0, LENGTH);
      return out;
    } catch (CloneNotSupportedException | DigestException e) {
      throw new IllegalStateException("checked at construction", e);
    }
  }
}
