package news.engagement.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CountDownLatch;

/**
 * The benchmark's baselines: a bare Vert.x server, one instance per core like the service, that parses
 * a POSTed JSON body and answers 204, and answers any GET with one fixed article's JSON (already
 * encoded, with the headers a cached read carries). Run by scripts/bench.sh; not part of the product.
 */
public final class BareServer extends VerticleBase {
  private final int port;

  private BareServer(int port) {
    this.port = port;
  }

  private static final Buffer ARTICLE = new JsonObject().put("article", "lt-article-1").put("views", 123_456)
      .put("uniques", 120_001).put("likes", 321).put("shares", new JsonObject().put("total", 45).put("telegram", 20)
          .put("twitter", 25)).put("previews", 7).toBuffer();

  @Override
  public Future<?> start() {
    return vertx.createHttpServer().requestHandler(request -> {
      if (request.method() == HttpMethod.GET) {
        request.response().putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "public, max-age=5, stale-while-revalidate=30")
            .putHeader("ETag", "\"5f3a9c0d12e4b6a7\"").putHeader("Age", "0").end(ARTICLE);
        return;
      }
      request.body().onSuccess(body -> {
        new JsonObject(body);
        request.response().setStatusCode(204).end();
      });
    }).listen(port);
  }

  public static void main(String[] args) throws InterruptedException {
    int port = Integer.parseInt(args[0]);
    // The same transport as the service (epoll where it loads) unless -Dbare.transport=nio.
    boolean nativeTransport = !"nio".equals(System.getProperty("bare.transport"));
    Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(nativeTransport)).build();
    System.out.println("bare server transport: " + (vertx.isNativeTransportEnabled() ? "native" : "nio"));
    vertx.deployVerticle(() -> new BareServer(port),
        new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors()));
    new CountDownLatch(1).await(); // until killed
  }
}
