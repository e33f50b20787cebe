package news.engagement.history;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import news.engagement.ingest.EventValidator;
import news.engagement.web.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/editor/articles/{id}/timeseries?from=&to=&interval=minute|hour|day}: one article's counts
 * per interval from ClickHouse, every interval of the range present (zeros where nothing was counted).
 * Times are ISO-8601 UTC; the range defaults to the last 24 hours; intervals start on UTC boundaries.
 */
public final class TimeseriesHandler implements Handler<RoutingContext> {
  /** Article ids may contain '/', so the id is everything between the prefix and the last segment. */
  public static final String PATH = "/v1/editor/articles/(?<id>.+)/timeseries";
  public static final int MAX_POINTS = 10_000;
  static final Duration DEFAULT_RANGE = Duration.ofHours(24);
  private static final Logger LOG = LoggerFactory.getLogger(TimeseriesHandler.class);

  /** The bucket sizes a caller may ask for. */
  enum Interval {
    MINUTE(60), HOUR(3600), DAY(86400);

    final long seconds;

    Interval(long seconds) {
      this.seconds = seconds;
    }

    static Interval parse(String value) {
      for (Interval i : values()) {
        if (i.name().toLowerCase(Locale.ROOT).equals(value)) {
          return i;
        }
      }
      return null;
    }
  }

  private final ClickHouseClient clickhouse;
  private final Clock clock;
  private volatile String lastFailure;

  public TimeseriesHandler(ClickHouseClient clickhouse, Clock clock) {
    this.clickhouse = Objects.requireNonNull(clickhouse, "clickhouse");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Mounts the route; the editor token guard in front of every {@code /v1/editor/} route covers it. */
  public void mount(Router router) {
    router.getWithRegex(PATH).handler(this);
  }

  /** A validated request: buckets of {@code step} seconds from {@code first} (aligned) up to {@code end}. */
  private record Range(String article, Interval interval, Instant from, Instant to, long first, long end) {
    long step() {
      return interval.seconds;
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    Range range = range(ctx);
    if (range == null) {
      return;
    }
    clickhouse.queryTabSeparated(Schema.timeseries(clickhouse.database(), range.article(), range.first(), range.end(),
            range.step()))
        .onSuccess(rows -> {
          lastFailure = null;
          JsonObject body = new JsonObject().put("article", range.article())
              .put("interval", range.interval().name().toLowerCase(Locale.ROOT))
              .put("from", range.from().toString()).put("to", range.to().toString())
              .put("points", points(rows, range.first(), range.end(), range.step()));
          ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
              .end(body.toBuffer());
        })
        .onFailure(err -> unavailable(ctx, err));
  }

  /** Parses and checks the request; on bad input answers 400 and returns null. */
  private Range range(RoutingContext ctx) {
    String article = ctx.pathParam("id");
    if (!EventValidator.validArticle(article)) {
      Errors.send(ctx, 400, "invalid_article",
          "article must be 1 to 128 characters of A-Z a-z 0-9 . _ : / -, starting with a letter or digit");
      return null;
    }
    String intervalParam = ctx.request().getParam("interval", "hour");
    Interval interval = Interval.parse(intervalParam);
    if (interval == null) {
      Errors.send(ctx, 400, "invalid_interval", "interval must be minute, hour or day");
      return null;
    }
    Instant to;
    Instant from;
    try {
      to = time(ctx, "to", clock.instant());
      from = time(ctx, "from", to.minus(DEFAULT_RANGE));
    } catch (DateTimeParseException e) {
      Errors.send(ctx, 400, "invalid_time", "from and to must be ISO-8601 UTC times such as 2026-02-07T10:00:00Z");
      return null;
    }
    if (!from.isBefore(to)) {
      Errors.send(ctx, 400, "invalid_range", "from must be before to");
      return null;
    }
    long step = interval.seconds;
    long first = Math.floorDiv(from.getEpochSecond(), step) * step;
    long end = to.getEpochSecond() + (to.getNano() > 0 ? 1 : 0);
    long points = (end - first + step - 1) / step;
    if (points > MAX_POINTS) {
      Errors.send(ctx, 400, Errors.body("range_too_large", "the range holds " + points + " " + intervalParam
          + " intervals; at most " + MAX_POINTS + " per request: narrow it or use a larger interval")
          .put("maxPoints", MAX_POINTS));
      return null;
    }
    return new Range(article, interval, from, to, first, end);
  }

  private static Instant time(RoutingContext ctx, String name, Instant fallback) {
    String value = ctx.request().getParam(name);
    return value == null || value.isBlank() ? fallback : Instant.parse(value.trim());
  }

  private static JsonArray points(Iterable<String[]> rows, long first, long end, long step) {
    Map<Long, String[]> byBucket = new HashMap<>();
    for (String[] row : rows) {
      byBucket.put(Long.parseLong(row[0]), row);
    }
    JsonArray points = new JsonArray();
    for (long t = first; t < end; t += step) {
      String[] row = byBucket.get(t);
      points.add(new JsonObject().put("time", Instant.ofEpochSecond(t).toString())
          .put("views", row == null ? 0L : Long.parseLong(row[1]))
          .put("likes", row == null ? 0L : Long.parseLong(row[2]))
          .put("shares", row == null ? 0L : Long.parseLong(row[3]))
          .put("previews", row == null ? 0L : Long.parseLong(row[4])));
    }
    return points;
  }

  private void unavailable(RoutingContext ctx, Throwable err) {
    String reason = err.getMessage();
    if (!Objects.equals(reason, lastFailure)) {
      LOG.warn("Time series query to ClickHouse failed: {}", reason);
      lastFailure = reason;
    }
    ctx.response().putHeader("Retry-After", "5");
    Errors.send(ctx, 503, "history_unavailable", "the history store (ClickHouse) cannot be read right now");
  }
}
