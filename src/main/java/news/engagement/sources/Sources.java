package news.engagement.sources;

import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.Objects;
import news.engagement.Room;
import news.engagement.config.Site;
import news.engagement.counting.Keys;
import news.engagement.history.ClickHouseClient;
import news.engagement.ingest.Attribution;
import news.engagement.query.ReadCache;
import news.engagement.redis.RedisStore;

/**
 * Traffic sources, wired (docs/sources.md): the intake labels each person's view with its source
 * ({@link #attribution()}, {@link SourceClassifier}); the batch script counts the label with the view if
 * it counts (live per article and site in Redis, per minute in the minute hash that history flushes into
 * {@code article_sources}); editors read {@code GET /v1/editor/articles/{id}/sources} and
 * {@code GET /v1/editor/sources} ({@link SourcesHandler}). Removing this room leaves views without sources.
 */
public final class Sources implements Room {
  private final SourceClassifier classifier;
  private final SourcesHandler handler;

  public Sources(Site site, RedisStore redis, Keys keys, ClickHouseClient clickhouse, ReadCache.Settings reads,
      Clock clock) {
    Objects.requireNonNull(site, "site");
    this.classifier = SourceClassifier.standard(site.origins());
    this.handler = new SourcesHandler(new SourceReads(redis.commands(), keys, clickhouse, clock), reads);
  }

  @Override
  public Future<Void> start() {
    return Future.succeededFuture();
  }

  @Override
  public void mount(Router router) {
    handler.mount(router);
  }

  @Override
  public Attribution attribution() {
    return (url, referrer) -> classifier.classify(url, referrer).label();
  }

  @Override
  public Future<Void> stop() {
    return Future.succeededFuture();
  }
}
