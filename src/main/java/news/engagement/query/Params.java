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
  static final int MAX_SECTION = 64;
  /** A section as pages name it: letters, digits, spaces and . _ - &amp; / (at most 64). */
  private static final Pattern SECTION = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N} ._&/-]{0,63}");

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

  /** {@code section}: lower case, or null when absent or empty (the whole site). */
  static String section(RoutingContext ctx) {
    String raw = ctx.request().getParam("section");
    String section = raw == null ? "" : raw.trim();
    if (section.isEmpty()) {
      return null;
    }
    if (!SECTION.matcher(section).matches()) {
      throw new BadParam("invalid_section", "section must be 1 to " + MAX_SECTION + " letters, digits, spaces or . _ & / -, "
          + "starting with a letter or digit, not '" + shorten(raw) + "'");
    }
    return section.toLowerCase(java.util.Locale.ROOT);
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
