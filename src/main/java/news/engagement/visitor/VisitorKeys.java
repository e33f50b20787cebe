package news.engagement.visitor;

import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import news.engagement.counting.Keys;

/**
 * The secret keys behind visitor hashes, shared by every instance through Redis: a random salt per UTC
 * day (created by whichever instance asks first, expiring two days later) and one key for vids.
 * {@link #refresh} loads today's and tomorrow's salts ahead of time, so hashing never waits for Redis.
 */
public final class VisitorKeys {
  private static final long SALT_TTL_SECONDS = 2 * 86_400L;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final RedisClusterAsyncCommands<String, String> redis;
  private final Clock clock;
  private final Map<Long, byte[]> salts = new ConcurrentHashMap<>();
  private volatile byte[] vidKey;

  public VisitorKeys(RedisClusterAsyncCommands<String, String> redis, Clock clock) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Loads (or creates) the vid key and the salts of today and tomorrow. */
  public Future<Void> refresh(Context context) {
    long today = Math.floorDiv(clock.millis(), 86_400_000L);
    salts.keySet().removeIf(day -> day < today - 1);
    return shared(Keys.VID_KEY, null, context).map(k -> vidKey = k)
        .compose(k -> shared(Keys.daySalt(today), SALT_TTL_SECONDS, context)).map(s -> salts.put(today, s))
        .compose(s -> shared(Keys.daySalt(today + 1), SALT_TTL_SECONDS, context)).map(s -> salts.put(today + 1, s))
        .mapEmpty();
  }

  byte[] vidKey() {
    return Objects.requireNonNull(vidKey, "visitor keys not loaded");
  }

  byte[] daySalt(long epochDay) {
    byte[] salt = salts.get(epochDay);
    if (salt == null) {
      throw new IllegalStateException("salt of day " + epochDay + " not loaded");
    }
    return salt;
  }

  /** SET NX a fresh random value, then read whichever value won. */
  private Future<byte[]> shared(String key, Long ttlSeconds, Context context) {
    byte[] fresh = new byte[32];
    RANDOM.nextBytes(fresh);
    SetArgs args = ttlSeconds == null ? SetArgs.Builder.nx() : SetArgs.Builder.nx().ex(ttlSeconds);
    return Future.fromCompletionStage(redis.set(key, Base64.getEncoder().encodeToString(fresh), args), context)
        .compose(ok -> Future.fromCompletionStage(redis.get(key), context))
        .map(value -> Base64.getDecoder().decode(Objects.requireNonNull(value, key)));
  }
}
