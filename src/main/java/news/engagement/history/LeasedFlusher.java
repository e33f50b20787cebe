package news.engagement.history;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import news.engagement.redis.LuaScript;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop of a room's flusher to ClickHouse (presence's engaged time, conversions): every interval,
 * its schema once ClickHouse answers, then, while this instance holds the room's Redis lease, one
 * {@link #flushOnce()}; a failure is logged once per distinct cause and retried next round; stopping
 * waits for the round in flight, flushes once more and releases the lease. Rounds never overlap (the
 * timer is armed again when a round ends). What to install and flush is the subclass's.
 */
public abstract class LeasedFlusher extends VerticleBase {
  private static final LuaScript LEASE = LuaScript.load("/news/engagement/redis/lease.lua");
  /** Marks clean the flushed minutes that did not change meanwhile (history/ack-minutes.lua). */
  protected static final LuaScript ACK_MINUTES = LuaScript.load("/news/engagement/history/ack-minutes.lua");

  private final Logger log = LoggerFactory.getLogger(getClass());
  protected final RedisClusterAsyncCommands<String, String> redis;
  private final String leaseKey;
  private final String what;
  private final long intervalMillis;
  private final String owner = UUID.randomUUID().toString();
  private final String leaseTtl;

  private boolean stopping;
  private long timer = -1;
  private Future<Void> running;
  private String lastFailure;

  /** @param what what is flushed, for the log ("engaged time", "conversions") */
  protected LeasedFlusher(RedisClusterAsyncCommands<String, String> redis, String leaseKey, String what,
      Duration interval) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.leaseKey = Objects.requireNonNull(leaseKey, "leaseKey");
    this.what = Objects.requireNonNull(what, "what");
    this.intervalMillis = interval.toMillis();
    this.leaseTtl = Long.toString(Math.max(10_000, 5 * intervalMillis));
  }

  /** The tables, created once ClickHouse answers (called every round until it succeeds). */
  protected abstract Future<Void> install();

  /** One flush, with the lease held. */
  protected abstract Future<?> flushOnce();

  @Override
  public Future<?> start() {
    arm();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    Future<Void> current = running != null ? running : Future.succeededFuture();
    return current.compose(v -> tick()).compose(v -> lease("release")).<Void>mapEmpty()
        .recover(err -> Future.succeededFuture());
  }

  private void arm() {
    timer = vertx.setTimer(intervalMillis, id -> {
      timer = -1;
      running = tick().onComplete(ar -> {
        running = null;
        if (!stopping) {
          arm();
        }
      });
    });
  }

  /** A round run now on the flusher's own context (a repeat of a timer's round is harmless). */
  public Future<Void> tickOnItsContext() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> tick().onComplete(done));
    return done.future();
  }

  /** One round: schema if needed, then a flush if this instance holds the lease. Never fails. */
  protected Future<Void> tick() {
    return install()
        .compose(v -> lease("hold"))
        .compose(held -> held ? flushOnce().<Void>mapEmpty() : Future.<Void>succeededFuture())
        .onSuccess(v -> {
          if (lastFailure != null) {
            log.info("Flushing {} to ClickHouse works again", what);
            lastFailure = null;
          }
        })
        .recover(err -> {
          String reason = err.getClass().getSimpleName() + ": " + err.getMessage();
          if (!reason.equals(lastFailure)) {
            log.warn("Flushing {} to ClickHouse failed; the minutes stay in Redis: {}", what, reason);
            lastFailure = reason;
          }
          return Future.succeededFuture();
        });
  }

  private Future<Boolean> lease(String action) {
    return LEASE.<Long>run(redis, ScriptOutputType.INTEGER, new String[] {leaseKey},
        new String[] {owner, leaseTtl, action}, context).map(r -> r == 1L);
  }
}
