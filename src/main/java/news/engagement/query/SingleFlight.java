package news.engagement.query;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.function.BiFunction;
import java.util.function.ToLongFunction;

/**
 * The latest result of a rebuild, and at most one rebuild at a time: a caller that needs a result
 * started after some moment, for the clock's current 5-minute bucket, gets the latest if it is fresh
 * enough, else joins the rebuild in flight if that one will be, else a new rebuild (after the one in
 * flight). Used on one Vert.x context only.
 */
final class SingleFlight<T> {
  private final ToLongFunction<T> openOf;
  private final ToLongFunction<T> startOf;
  private T latest;
  private Future<T> running;
  private long runningOpen;
  private long runningStart;

  SingleFlight(ToLongFunction<T> openOf, ToLongFunction<T> startOf) {
    this.openOf = openOf;
    this.startOf = startOf;
  }

  T latest() {
    return latest;
  }

  /**
   * @param now the clock's time; the result must be of its 5-minute bucket
   * @param startedAfter the result's rebuild must have started at or after this {@link System#nanoTime}
   * @param build starts a rebuild for (now, its start in nanos)
   */
  Future<T> get(Instant now, long startedAfter, BiFunction<Instant, Long, Future<T>> build) {
    long open = Window.openBucket(now);
    if (latest != null && openOf.applyAsLong(latest) == open && startOf.applyAsLong(latest) - startedAfter >= 0) {
      return Future.succeededFuture(latest);
    }
    if (running != null) {
      if (runningOpen == open && runningStart - startedAfter >= 0) {
        return running;
      }
      return running.transform(ignored -> get(now, startedAfter, build));
    }
    runningOpen = open;
    runningStart = System.nanoTime();
    Future<T> started = build.apply(now, runningStart).andThen(ar -> {
      running = null;
      if (ar.succeeded()) {
        latest = ar.result();
      }
    });
    if (!started.isComplete()) {
      running = started;
    }
    return started;
  }
}
