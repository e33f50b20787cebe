package news.engagement.sources;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import news.engagement.Room;
import news.engagement.config.Site;
import news.engagement.counting.Keys;
import news.engagement.history.ClickHouseClient;
import news.engagement.ingest.Attribution;
import news.engagement.query.ReadCache;
import news.engagement.query.TopSource;
import news.engagement.query.TopSources;
import news.engagement.redis.RedisStore;

/**
 * Traffic sources, wired (docs/sources.md): the intake labels each person's view with its source
 * ({@link #attribution()}, {@link SourceClassifier}); the batch script counts the label with the view if
 * it counts (live per article and site in Redis, per minute in the minute hash that history flushes into
 * {@code article_sources}); editors read {@code GET /v1/editor/articles/{id}/sources} and
 * {@code GET /v1/editor/sources} ({@link SourcesHandler}); the reading-now list and the editor's article view
 * show each article's top source of the last hour ({@link #lastHour}). Removing this room leaves views
 * without sources.
 */
public final class Sources implements Room, TopSources {
  private static final int MAX_LABELS = 10_000;
  private final SourceClassifier classifier;
  private final Map<Source, String> labels = new ConcurrentHashMap<>();
  private final SourceReads reads;
  private final SourcesHandler handler;

  public Sources(Site site, RedisStore redis, Keys keys, ClickHouseClient clickhouse,
      ReadCache.Settings readCache, Clock clock) {
    Objects.requireNonNull(site, "site");
    this.classifier = SourceClassifier.standard(site.origins());
    this.reads = new SourceReads(redis.commands(), keys, clickhouse, clock);
    this.handler = new SourcesHandler(reads, readCache);
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
    return (url, referrer) -> label(classifier.classify(url, referrer));
  }

  /**
   * The source's label, one String per source rather than one per view: a view waits in the batcher with
   * it (docs/benchmarks.md, "ingest profile"). Bounded like the classifier's own cache.
   */
  private String label(Source source) {
    String label = labels.get(source);
    if (label == null) {
      if (labels.size() >= MAX_LABELS) {
        labels.clear();
      }
      label = source.label();
      labels.put(source, label);
    }
    return label;
  }

  /** Read live for the articles asked (not cached: the now list and the article view are read live too). */
  @Override
  public Future<Map<String, TopSource>> lastHour(List<String> articles, Context context) {
    return reads.lastHour(articles, context).map(counts -> {
      Map<String, TopSource> top = new HashMap<>();
      for (int i = 0; i < articles.size(); i++) {
        SourceCounts.Item first = counts.get(i).top();
        if (first != null) {
          top.put(articles.get(i), new TopSource(first.source().medium().wireName(), first.source().source(),
              first.views()));
        }
      }
      return top;
    });
  }

  @Override
  public Future<Void> stop() {
    return Future.succeededFuture();
  }
}
