package news.engagement;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;

/**
 * Deploys the service's background jobs (the batcher, the top-list builder, the flushers, the presence
 * writer) as worker verticles: each still runs one handler at a time, but on a worker thread, never on
 * an event loop that also serves HTTP. A rebuild or a batch encoding of tens of milliseconds then
 * delays no reader: with event-loop verticles, one HTTP server shared its loop with the batcher or the
 * builder (Vert.x hands loops out in turn), and every request on it waited for that work.
 */
public final class Background {
  private Background() {
  }

  public static Future<String> deploy(Vertx vertx, VerticleBase job) {
    return vertx.deployVerticle(job, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER));
  }
}
