package news.engagement.web;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.TimeUnit;

/** The one shape of every error answer: {"error": code, "message": sentence, ...}. */
public final class Errors {
  private Errors() {
  }

  public static JsonObject body(String code, String message) {
    return new JsonObject().put("error", code).put("message", message);
  }

  public static void send(RoutingContext ctx, int status, String code, String message) {
    send(ctx, status, body(code, message));
  }

  /**
   * For requests the HTTP decoder itself refused (request line or headers too long, broken syntax),
   * which never reach the router. The connection is closed after the answer: its bytes cannot be trusted.
   */
  static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status;
    JsonObject body;
    if (cause instanceof TooLongHttpLineException) {
      status = 414;
      body = body("uri_too_long", "the request line is longer than the server accepts");
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      body = body("headers_too_large", "the request headers are larger than the server accepts");
    } else {
      status = 400;
      body = body("bad_request", "the request is not valid HTTP");
    }
    request.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .putHeader("Connection", "close")
        .end(body.toBuffer())
        .onComplete(ar -> request.connection().shutdown(0, TimeUnit.MILLISECONDS));
  }

  public static void send(RoutingContext ctx, int status, JsonObject body) {
    send(ctx.response(), status, body);
  }

  public static void send(HttpServerResponse response, int status, String code, String message) {
    send(response, status, body(code, message));
  }

  public static void send(HttpServerResponse response, int status, JsonObject body) {
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body.toBuffer());
  }
}
