package news.engagement.web;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.Objects;

/** One HTTP server on the shared port; deployed once per event loop, all serving the same {@link Front}. */
public final class HttpVerticle extends VerticleBase {
  /**
   * A connection that has been sent nothing for this long is closed: a new one whose request headers
   * (or body) are not complete by then, or a kept-alive one with no next request. A browser sends its
   * headers in one go and its 64 KiB at most in well under this, even on a bad mobile link. Above the
   * ClickHouse client's 10 s query timeout, so the slowest answer (an editor's time series) still gets
   * its error out. The idle timeout alone cannot do this: each trickled byte resets it, so slowloris
   * sockets would hold file descriptors forever.
   */
  public static final Duration HEADER_DEADLINE = Duration.ofSeconds(15);

  private final Handler<HttpServerRequest> front;
  private final int port;
  private HttpServer server;

  public HttpVerticle(Handler<HttpServerRequest> front, int port) {
    this.front = Objects.requireNonNull(front, "front");
    this.port = port;
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options = new HttpServerOptions()
        .setPort(port)
        .setMaxHeaderSize(16 * 1024)
        .setMaxInitialLineLength(8 * 1024)
        .setIdleTimeout(30)
        // HTTP/1.1 only: no h2c upgrade on a plain connection (proxies and browsers speak HTTP/1.1 or TLS to
        // us). A client asking to upgrade (Java's HttpClient does by default) once got its answer in the
        // wrong framing under load (StartupLogIT); without the upgrade it is simply answered in HTTP/1.1.
        .setHttp2ClearTextEnabled(false)
        // No WebSockets here: without compression support Vert.x adds no WebSocket extension handler to
        // every connection's pipeline, which looked at each request's headers (3 % of ingest samples).
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        // Nothing written for the deadline: the server waits for headers it will never get (see above).
        .setWriteIdleTimeout((int) HEADER_DEADLINE.toSeconds());
    return vertx.createHttpServer(options)
        .invalidRequestHandler(Errors::invalidRequest)
        .requestHandler(front)
        .listen()
        .onSuccess(s -> server = s);
  }

  /** The port actually bound (useful when configured as 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
