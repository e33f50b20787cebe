package news.engagement.history;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Objects;
import news.engagement.counting.Keys;
import news.engagement.redis.LuaScript;

/**
 * The Redis lease that lets one instance flush at a time ({@link Keys#FLUSH_LEASE}): taken with SET NX
 * semantics and an expiry, renewed by its holder on every tick, released on stop. A holder that dies
 * loses it after the ttl. Two flushers at once would only write the same rows twice, which is harmless.
 */
final class FlushLease {
  private static final LuaScript LEASE = LuaScript.load("/news/engagement/redis/lease.lua");
  private static final String[] KEYS = {Keys.FLUSH_LEASE};

  private final RedisClusterAsyncCommands<String, String> redis;
  private final String owner;
  private final String ttlMillis;

  FlushLease(RedisClusterAsyncCommands<String, String> redis, String owner, Duration ttl) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.owner = Objects.requireNonNull(owner, "owner");
    this.ttlMillis = Long.toString(ttl.toMillis());
  }

  /** Takes the lease or renews it; true when this instance holds it. */
  Future<Boolean> hold(Context context) {
    return LEASE.<Long>run(redis, ScriptOutputType.INTEGER, KEYS, new String[] {owner, ttlMillis, "hold"}, context)
        .map(r -> r == 1L);
  }

  Future<Void> release(Context context) {
    return LEASE.run(redis, ScriptOutputType.INTEGER, KEYS, new String[] {owner, ttlMillis, "release"}, context)
        .mapEmpty();
  }
}
