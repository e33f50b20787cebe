package news.engagement.history;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A verticle's periodic work: one round every interval, never two at once (the timer is armed again when
 * a round ends), started and stopped from the verticle's own context. Stopping cancels the next round and
 * answers when the one running (if any) has ended. The flushers and the roll-up loop share it.
 */
final class Rounds {
  private final Vertx vertx;
  private final long intervalMillis;
  private final Supplier<Future<Void>> round;
  private boolean stopping;
  private long timer = -1;
  private Future<Void> running;

  /** {@code round} must never fail (a failure is the round's to log and retry). */
  Rounds(Vertx vertx, long intervalMillis, Supplier<Future<Void>> round) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.intervalMillis = intervalMillis;
    this.round = Objects.requireNonNull(round, "round");
  }

  void start() {
    arm();
  }

  /** No further round; completes when the round in flight has ended. */
  Future<Void> stop() {
    stopping = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    return running != null ? running : Future.succeededFuture();
  }

  private void arm() {
    timer = vertx.setTimer(intervalMillis, id -> {
      timer = -1;
      running = round.get().onComplete(ar -> {
        running = null;
        if (!stopping) {
          arm();
        }
      });
    });
  }
}
