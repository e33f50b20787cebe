package news.engagement.presence;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import news.engagement.history.ClickHouseClient;
import news.engagement.ingest.EventValidator;
import news.engagement.web.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/editor/articles/{id}/engaged?from=&to=&interval=minute|hour|day}: one article's engaged
 * seconds and engaged visitors per interval from ClickHouse, every interval present (zeros where nobody
 * engaged); the same parameters and time rules as {@code .../timeseries}, so the desk's chart lays both
 * on one axis. Editors only (the guard on {@code /v1/editor/*}).
 */
final class EngagedSeriesHandler {
  static final String PATH = "/v1/editor/articles/(?<id>.+)/engaged";
  static final int MAX_POINTS = 10_000;
  private static final Duration DEFAULT_RANGE = Duration.ofHours(24);
  private static final Map<String, Long> INTERVALS = Map.of("minute", 60L, "hour", 3600L, "day", 86_400L);
  private static final Logger LOG = LoggerFactory.getLogger(EngagedSeriesHandler.class);

  private final ClickHouseClient clickhouse;
  private final Clock clock;
  private volatile String lastFailure;

  EngagedSeriesHandler(ClickHouseClient clickhouse, Clock clock) {
    this.clickhouse = Objects.requireNonNull(clickhouse, "clickhouse");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  void mount(Router router) {
    router.getWithRegex(PATH).setName("/v1/editor/articles/:id/engaged").handler(this::series);
  }

  private void series(RoutingContext ctx) {
    String article = ctx.pathParam("id");
    if (!EventValidator.validArticle(article)) {
      Errors.send(ctx, 400, "invalid_article",
          "article must be 1 to 128 characters of A-Z a-z 0-9 . _ : / -, starting with a letter or digit");
      return;
    }
    String interval = ctx.request().getParam("interval", "hour");
    Long step = INTERVALS.get(interval);
    if (step == null) {
      Errors.send(ctx, 400, "invalid_interval", "interval must be minute, hour or day");
      return;
    }
    Instant to;
    Instant from;
    try {
      to = time(ctx, "to", clock.instant());
      from = time(ctx, "from", to.minus(DEFAULT_RANGE));
    } catch (DateTimeParseException e) {
      Errors.send(ctx, 400, "invalid_time", "from and to must be ISO-8601 UTC times such as 2026-02-07T10:00:00Z");
      return;
    }
    if (!from.isBefore(to)) {
      Errors.send(ctx, 400, "invalid_range", "from must be before to");
      return;
    }
    long first = Math.floorDiv(from.getEpochSecond(), step) * step;
    long end = to.getEpochSecond() + (to.getNano() > 0 ? 1 : 0);
    long points = (end - first + step - 1) / step;
    if (points > MAX_POINTS) {
      Errors.send(ctx, 400, Errors.body("range_too_large", "the range holds " + points + " " + interval
          + " intervals; at most " + MAX_POINTS + " per request: narrow it or use a larger interval")
          .put("maxPoints", MAX_POINTS));
      return;
    }
    clickhouse.queryTabSeparated(PresenceSchema.engagedSeries(clickhouse.database(), article, first, end, step))
        .onSuccess(rows -> {
          lastFailure = null;
          Map<Long, String[]> byBucket = new HashMap<>();
          rows.forEach(row -> byBucket.put(Long.parseLong(row[0]), row));
          JsonArray list = new JsonArray();
          for (long t = first; t < end; t += step) {
            String[] row = byBucket.get(t);
            list.add(new JsonObject().put("time", Instant.ofEpochSecond(t).toString())
                .put("engagedSeconds", row == null ? 0L : Long.parseLong(row[1]))
                .put("engagedVisitors", row == null ? 0L : Long.parseLong(row[2])));
          }
          ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
              .end(new JsonObject().put("article", article).put("interval", interval).put("from", from.toString())
                  .put("to", to.toString()).put("points", list).toBuffer());
        })
        .onFailure(err -> {
          if (!Objects.equals(err.getMessage(), lastFailure)) {
            LOG.warn("Engaged time series query to ClickHouse failed: {}", err.getMessage());
            lastFailure = err.getMessage();
          }
          ctx.response().putHeader("Retry-After", "5");
          Errors.send(ctx, 503, "history_unavailable", "the history store (ClickHouse) cannot be read right now");
        });
  }

  private static Instant time(RoutingContext ctx, String name, Instant fallback) {
    String value = ctx.request().getParam(name);
    return value == null || value.isBlank() ? fallback : Instant.parse(value.trim());
  }
}
