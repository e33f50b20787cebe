package news.engagement.web;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Guards the editor API: {@code Authorization: Bearer <EDITOR_TOKEN>}, compared in constant time.
 * Without a configured token the editor API is off (503), never open.
 */
public final class EditorAuth implements Handler<RoutingContext> {
  private static final String BEARER = "Bearer ";

  private final byte[] token;

  public EditorAuth(Optional<String> token) {
    this.token = token.map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null);
  }

  /** Puts the guard in front of every editor API route. */
  public void mount(io.vertx.ext.web.Router router) {
    router.route("/v1/editor/*").handler(this);
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (token == null) {
      Errors.send(ctx, 503, "editor_disabled", "the editor API is disabled: set EDITOR_TOKEN to enable it");
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    byte[] given = header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
        ? header.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8)
        : new byte[0];
    // MessageDigest.isEqual takes the same time whatever the first differing byte is.
    if (!MessageDigest.isEqual(given, token)) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"editor\"");
      Errors.send(ctx, 401, "unauthorized", "the editor API needs Authorization: Bearer <EDITOR_TOKEN>");
      return;
    }
    ctx.next();
  }
}
