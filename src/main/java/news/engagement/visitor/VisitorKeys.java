package news.engagement.visitor;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import news.engagement.config.Secret;

/**
 * The keys behind visitor hashes, derived with HKDF-SHA256 (RFC 5869) from {@code VISITOR_SECRET}: one
 * key for vids and one salt per UTC day for cookie-less clients. Every instance given the same secret
 * derives the same keys, so nothing secret is stored in Redis next to the hashes it protects: a Redis
 * backup alone cannot be brute-forced back to addresses.
 *
 * <p>{@link #keyId()} names the secret without revealing it; it goes into every hash, so hashes made
 * under an old secret never collide with new ones after a rotation.
 */
public final class VisitorKeys {
  private static final String HMAC = "HmacSHA256";
  /** HKDF's salt: fixed, as RFC 5869 allows; it only separates this use from any other of the secret. */
  private static final byte[] EXTRACT_SALT = "news.engagement visitor keys v1".getBytes(StandardCharsets.UTF_8);
  private static final int KEY_ID_CHARS = 4;

  private final byte[] pseudoRandomKey;
  private final byte[] vidKey;
  private final String keyId;

  public VisitorKeys(Secret secret) {
    byte[] ikm = Objects.requireNonNull(secret, "secret").bytes();
    this.pseudoRandomKey = hmac(EXTRACT_SALT, ikm);
    this.vidKey = expand("vid");
    this.keyId = Base64.getUrlEncoder().withoutPadding().encodeToString(expand("key-id"))
        .substring(0, KEY_ID_CHARS);
  }

  /** A short public name of the secret in use (logged at start-up, part of each visitor hash). */
  public String keyId() {
    return keyId;
  }

  byte[] vidKey() {
    return vidKey.clone();
  }

  byte[] daySalt(long epochDay) {
    return expand("client-day:" + epochDay);
  }

  /** HKDF-Expand for one 32-byte block: T(1) = HMAC(PRK, info || 0x01). */
  private byte[] expand(String info) {
    byte[] label = info.getBytes(StandardCharsets.UTF_8);
    return hmac(pseudoRandomKey, ByteBuffer.allocate(label.length + 1).put(label).put((byte) 1).array());
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(key, HMAC));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
