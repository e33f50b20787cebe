package news.engagement.web;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.Objects;

/** One HTTP server on the shared port; deployed once per event loop, all serving the same router. */
public final class HttpVerticle extends VerticleBase {
  private final Router router;
  private final int port;
  private HttpServer server;

  public HttpVerticle(Router router, int port) {
    this.router = Objects.requireNonNull(router, "router");
    this.port = port;
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options = new HttpServerOptions()
        .setPort(port)
        .setMaxHeaderSize(16 * 1024)
        .setMaxInitialLineLength(8 * 1024)
        // Slowloris clients and idle keep-alives are cut after 30 s without a byte.
        .setIdleTimeout(30);
    return vertx.createHttpServer(options).requestHandler(router).listen()
        .onSuccess(s -> server = s);
  }

  /** The port actually bound (useful when configured as 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
