package news.engagement.query;

import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/** Query parameters of the list endpoints; a bad one throws {@link BadParam}, answered 400. */
final class Params {
  static final int DEFAULT_LIMIT = 10;
  static final int MAX_LIMIT = 100;
  private static final Pattern DIGITS = Pattern.compile("\\d{1,3}");

  private Params() {
  }

  /** {@code limit}: 1..100, default 10. */
  static int limit(RoutingContext ctx) {
    String raw = ctx.request().getParam("limit");
    if (raw == null) {
      return DEFAULT_LIMIT;
    }
    int limit = DIGITS.matcher(raw).matches() ? Integer.parseInt(raw) : -1;
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new BadParam("invalid_limit", "limit must be a whole number from 1 to " + MAX_LIMIT + ", not '"
          + shorten(raw) + "'");
    }
    return limit;
  }

  static Metric metric(RoutingContext ctx) {
    return named(ctx, "metric", Metric.VIEWS, Metric::parse, Metric.codes());
  }

  static Window window(RoutingContext ctx, Window fallback) {
    return named(ctx, "window", fallback, Window::parse, Window.codes());
  }

  private static <T> T named(RoutingContext ctx, String name, T fallback, Function<String, Optional<T>> parse,
      String allowed) {
    String raw = ctx.request().getParam(name);
    if (raw == null) {
      return fallback;
    }
    return parse.apply(raw).orElseThrow(() -> new BadParam("invalid_" + name,
        name + " must be one of " + allowed + ", not '" + shorten(raw) + "'"));
  }

  static String shorten(String raw) {
    return raw.length() > 40 ? raw.substring(0, 40) + "..." : raw;
  }

  /** A parameter the client got wrong; {@code code} is the error code of the 400 answer. */
  static final class BadParam extends RuntimeException {
    final String code;

    BadParam(String code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }
}
