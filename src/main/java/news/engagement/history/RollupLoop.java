package news.engagement.history;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import news.engagement.counting.Keys;
import news.engagement.redis.LuaScript;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link HourRollup} rounds every interval while this instance holds the roll-up's lease
 * ({@link RollupKeys#LEASE}, the flushers' lease script), once the schema exists. A failure is logged
 * once per distinct cause and retried next round; rounds never overlap. The lease saves work only:
 * two instances rolling at once write the same rows.
 */
final class RollupLoop extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RollupLoop.class);
  private static final LuaScript LEASE = LuaScript.load("/news/engagement/redis/lease.lua");
  /** Rounds are at least this far apart (the work comes once an hour; marks wait at most this long). */
  static final Duration MIN_INTERVAL = Duration.ofSeconds(30);

  private final RedisClusterAsyncCommands<String, String> redis;
  private final Keys keys;
  private final ClickHouseClient clickhouse;
  private final BooleanSupplier schemaInstalled;
  private final Clock clock;
  private final long intervalMillis;
  private final String owner = UUID.randomUUID().toString();
  private final String leaseTtl;

  private HourRollup rollup;
  private Rounds rounds;
  private String lastFailure;

  RollupLoop(RedisClusterAsyncCommands<String, String> redis, Keys keys, ClickHouseClient clickhouse,
      BooleanSupplier schemaInstalled, Clock clock, Duration interval) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.clickhouse = Objects.requireNonNull(clickhouse, "clickhouse");
    this.schemaInstalled = Objects.requireNonNull(schemaInstalled, "schemaInstalled");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.intervalMillis = Math.max(MIN_INTERVAL.toMillis(), interval.toMillis());
    this.leaseTtl = Long.toString(Math.max(10_000, 3 * this.intervalMillis));
  }

  @Override
  public Future<?> start() {
    rollup = new HourRollup(redis, keys, clickhouse, clock, context);
    rounds = new Rounds(vertx, intervalMillis, this::round);
    rounds.start();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    Future<Void> current = rounds.stop();
    return current.compose(v -> lease("release")).<Void>mapEmpty().recover(err -> Future.succeededFuture());
  }

  /** Never fails. */
  private Future<Void> round() {
    if (!schemaInstalled.getAsBoolean()) {
      return Future.succeededFuture();
    }
    return lease("hold")
        .compose(held -> held ? rollup.round().<Void>mapEmpty() : Future.<Void>succeededFuture())
        .onSuccess(v -> {
          if (lastFailure != null) {
            LOG.info("The hourly roll-up works again");
            lastFailure = null;
          }
        })
        .recover(err -> {
          String reason = err.getClass().getSimpleName() + ": " + err.getMessage();
          if (!reason.equals(lastFailure)) {
            LOG.warn("The hourly roll-up failed; retried next round (nothing is lost, marks stay in Redis): {}",
                reason);
            lastFailure = reason;
          }
          return Future.succeededFuture();
        });
  }

  private Future<Boolean> lease(String action) {
    return LEASE.<Long>run(redis, ScriptOutputType.INTEGER, new String[] {RollupKeys.LEASE},
        new String[] {owner, leaseTtl, action}, context).map(r -> r == 1L);
  }
}
