package news.engagement.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CountDownLatch;

/**
 * The benchmark's baseline: a bare Vert.x server that parses a JSON body and answers 204, one instance
 * per core like the service. Run by scripts/bench.sh; not part of the product.
 */
public final class BareServer extends VerticleBase {
  private final int port;

  private BareServer(int port) {
    this.port = port;
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      new JsonObject(body);
      request.response().setStatusCode(204).end();
    })).listen(port);
  }

  public static void main(String[] args) throws InterruptedException {
    int port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(() -> new BareServer(port),
        new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors()));
    new CountDownLatch(1).await(); // until killed
  }
}
