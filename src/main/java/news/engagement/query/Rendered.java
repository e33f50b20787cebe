package news.engagement.query;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A read answer encoded once, when it is read from the store, and then written to every reader as is:
 * the JSON bytes, a 64-bit hash of them, and the {@code ETag} made from it.
 */
public record Rendered(Buffer body, long hash, String etag) {
  public static Rendered of(JsonObject json) {
    return of(json.toBuffer());
  }

  /** Any answer's bytes (e.g. an HTML fragment). */
  public static Rendered of(Buffer body) {
    long hash = hash(body.getBytes());
    // The tag is made here once, not per request (it showed in the read path's profile).
    return new Rendered(body, hash, etag(hash));
  }

  /** A strong validator: the same bytes give the same tag. */
  static String etag(long hash) {
    return "\"" + Long.toHexString(hash) + "\"";
  }

  /** Folds the hashes of the parts of an answer assembled from parts, in their order, into one. */
  static long combine(long seed, long part) {
    long h = (seed ^ part) * 0x9E3779B97F4A7C15L;
    return h ^ (h >>> 29);
  }

  private static long hash(byte[] bytes) {
    try {
      // Once per store read, not per request: a cryptographic hash costs nothing here and never clusters.
      return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(bytes)).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }
}
