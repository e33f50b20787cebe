package news.engagement.query;

import news.engagement.counting.Keys;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import news.engagement.query.ReadCache.Cached;
import news.engagement.testing.MutableClock;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The read cache over the real {@link StatsQuery} and the real Redis, with its time source moved by
 * hand: events go in through the running service, reads come out through a cache the test owns, and a
 * counting wrapper around the query tells how often Redis was read.
 */
class ReadCacheTest {
  private static final int DB = 0;
  private static final Duration TTL = Duration.ofSeconds(1);
  private static final Duration MAX_STALE = Duration.ofSeconds(4);

  private final AtomicLong ticker = new AtomicLong(1_000_000_000L);
  private final AtomicInteger redisReads = new AtomicInteger();
  private final List<Integer> readSizes = new ArrayList<>();
  private RunningService service;
  private RedisClient client;
  private StatefulRedisConnection<String, String> redis;
  private Vertx vertx;

  @BeforeEach
  void start() {
    service = RunningService.start(DB, MutableClock.at("2026-12-01T10:00:00Z"), Map.of());
    client = RedisClient.create();
    redis = TestStores.redis(client, DB);
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    RunningService.await(vertx.close());
    redis.close();
    client.shutdown();
    service.close();
  }

  private ReadCache<String, ArticleStats> cache(int maxEntries) {
    // No cap on a reader's wait for Redis here (a loaded machine must not turn a wait into an old answer);
    // readerOfAnOldValueWaitsAtMostMaxWaitWhileRedisIsBusy sets one.
    return cache(maxEntries, Duration.ZERO);
  }

  private ReadCache<String, ArticleStats> cache(int maxEntries, Duration maxWait) {
    StatsQuery stats = new StatsQuery(redis.async(), new Keys(Keys.DEFAULT_SHARDS));
    ReadCache.Source<String, ArticleStats> counting = (ids, context) -> {
      redisReads.incrementAndGet();
      synchronized (readSizes) {
        readSizes.add(ids.size());
      }
      return stats.many(ids, context);
    };
    return new ReadCache<>("articles", counting, maxEntries, new ReadCache.Settings(TTL, MAX_STALE, maxWait, ticker::get,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
  }

  private void views(String article, String prefix, int n) {
    Traffic.send(service, Traffic.views(article, prefix, n));
  }

  private long views(ReadCache<String, ArticleStats> cache, String article) {
    return read(cache, article).value().views();
  }

  private static <T> Future<T> onLoop(Context context, java.util.function.Supplier<Future<T>> call) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> call.get().onComplete(promise));
    return promise.future();
  }

  @Test
  void aWriteBecomesVisibleOnceTheTtlHasPassedAndNotBefore() {
    String article = "fresh-" + UUID.randomUUID();
    ReadCache<String, ArticleStats> cache = cache(100);
    views(article, "a", 1);
    assertThat(views(cache, article)).isEqualTo(1);

    views(article, "b", 2);
    ticker.addAndGet(TTL.toNanos() - 1);
    assertThat(views(cache, article)).as("inside the ttl: the value read before").isEqualTo(1);
    assertThat(redisReads).hasValue(1);

    // Past the ttl the reader does not wait: it gets the value held, and Redis is read behind it, once.
    ticker.addAndGet(1);
    Cached<ArticleStats> stale = read(cache, article);
    assertThat(stale.value().views()).isEqualTo(1);
    assertThat(stale.ageNanos()).isEqualTo(TTL.toNanos());
    assertThat(stale.storeFailing()).isFalse();
    awaitViews(cache, article, 3);
    assertThat(redisReads).hasValue(2);
  }

  @Test
  void nothingOlderThanTtlPlusMaxStaleIsServedWhileRedisAnswers() {
    String article = "bound-" + UUID.randomUUID();
    ReadCache<String, ArticleStats> cache = cache(100);
    views(article, "a", 1);
    assertThat(views(cache, article)).isEqualTo(1);
    views(article, "b", 1);

    ticker.addAndGet(TTL.plus(MAX_STALE).toNanos());
    Cached<ArticleStats> waited = read(cache, article);
    assertThat(waited.value().views()).as("too old to serve: the reader waits for Redis").isEqualTo(2);
    assertThat(waited.ageNanos()).isZero();
  }

  @Test
  void readerOfAnOldValueWaitsAtMostMaxWaitWhileRedisIsBusy() {
    String article = "busy-" + UUID.randomUUID();
    ReadCache<String, ArticleStats> cache = cache(100, Duration.ofMillis(50));
    views(article, "a", 1);
    assertThat(views(cache, article)).isEqualTo(1);
    views(article, "b", 1);
    ticker.addAndGet(TTL.plus(MAX_STALE).toNanos());

    // A script that keeps Redis busy for 3 s, sent first on the connection the cache reads through, so
    // the cache's read is answered only after it: Redis is busy for this reader whatever the machine's load.
    var busy = redis.async().eval("local t = redis.call('TIME') local stop = t[1] * 1000000 + t[2] + 3000000 "
        + "repeat t = redis.call('TIME') until t[1] * 1000000 + t[2] >= stop return 1",
        io.lettuce.core.ScriptOutputType.INTEGER);
    Cached<ArticleStats> capped = read(cache, article);
    assertThat(busy.isDone()).as("answered while Redis was still busy").isFalse();
    assertThat(capped.value().views()).as("the value held, answered after maxWait").isEqualTo(1);
    assertThat(capped.ageNanos()).isEqualTo(TTL.plus(MAX_STALE).toNanos());
    assertThat(capped.storeFailing()).isFalse();
    assertThat(busy.toCompletableFuture().join()).isEqualTo(1L);
    // The refresh that waited behind the script landed: the next reader gets it, without reading again.
    assertThat(views(cache, article)).isEqualTo(2);
    assertThat(redisReads).hasValue(2);

    // A reader who asked to revalidate is not capped: it waits for Redis.
    views(article, "c", 1);
    ticker.addAndGet(TTL.plus(MAX_STALE).toNanos());
    busy = redis.async().eval("local t = redis.call('TIME') local stop = t[1] * 1000000 + t[2] + 1000000 "
        + "repeat t = redis.call('TIME') until t[1] * 1000000 + t[2] >= stop return 1",
        io.lettuce.core.ScriptOutputType.INTEGER);
    Context context = vertx.getOrCreateContext();
    Cached<ArticleStats> revalidated = RunningService.await(onLoop(context, () -> cache.get(article, context, false)));
    assertThat(busy.isDone()).isTrue();
    assertThat(revalidated.value().views()).isEqualTo(3);
  }

  private Cached<ArticleStats> read(ReadCache<String, ArticleStats> cache, String article) {
    Context context = vertx.getOrCreateContext();
    return RunningService.await(onLoop(context, () -> cache.get(article, context)));
  }

  /** Until the refresh started behind an earlier reader has landed; the cache's clock stands still. */
  private void awaitViews(ReadCache<String, ArticleStats> cache, String article, long expected) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (views(cache, article) != expected) {
      assertThat(System.nanoTime()).as("the refresh never landed").isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  @Test
  void aThousandConcurrentReadersOfOneArticleCauseOneRedisRead() {
    String article = "hot-" + UUID.randomUUID();
    ReadCache<String, ArticleStats> cache = cache(100);
    views(article, "h", 7);

    List<Cached<ArticleStats>> answers = thousandReaders(cache, article);
    assertThat(redisReads).hasValue(1);
    assertThat(answers).hasSize(1000).allSatisfy(c -> assertThat(c.value().views()).isEqualTo(7));

    // Expired: again one read, and no reader is refused while it runs.
    views(article, "i", 1);
    ticker.addAndGet(TTL.toNanos());
    answers = thousandReaders(cache, article);
    assertThat(redisReads).hasValue(2);
    assertThat(answers).hasSize(1000).allSatisfy(c -> assertThat(c.value().views()).isIn(7L, 8L));
    awaitViews(cache, article, 8);
    assertThat(redisReads).hasValue(2);
  }

  /** 1 000 reads started at once from two event loops, as the HTTP servers of two cores would. */
  private List<Cached<ArticleStats>> thousandReaders(ReadCache<String, ArticleStats> cache, String article) {
    List<Future<List<Cached<ArticleStats>>>> parts = new ArrayList<>();
    for (Context context : List.of(vertx.getOrCreateContext(), otherContext())) {
      parts.add(onLoop(context, () -> {
        List<Future<Cached<ArticleStats>>> mine = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
          mine.add(cache.get(article, context));
        }
        return Future.all(mine).map(all -> all.<Cached<ArticleStats>>list());
      }));
    }
    List<Cached<ArticleStats>> answers = new ArrayList<>();
    parts.forEach(part -> answers.addAll(RunningService.await(part)));
    return answers;
  }

  /** Another event loop's context: Vert.x gives each outside thread a context of its own. */
  private Context otherContext() {
    Context[] context = new Context[1];
    Thread thread = new Thread(() -> context[0] = vertx.getOrCreateContext());
    thread.start();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    assertThat(context[0]).isNotSameAs(vertx.getOrCreateContext());
    return context[0];
  }

  @Test
  void aListReadsOnlyTheArticlesItDoesNotHaveInOnePipelinedCall() {
    String a = "list-a-" + UUID.randomUUID();
    String b = "list-b-" + UUID.randomUUID();
    String c = "list-c-" + UUID.randomUUID();
    ReadCache<String, ArticleStats> cache = cache(100);
    views(a, "a", 1);
    views(b, "b", 2);
    views(c, "c", 3);
    assertThat(views(cache, b)).isEqualTo(2);

    Context context = vertx.getOrCreateContext();
    List<Cached<ArticleStats>> list = RunningService.await(onLoop(context, () -> cache.getAll(List.of(a, b, c), context)));
    assertThat(list.stream().map(x -> x.value().views()).toList()).containsExactly(1L, 2L, 3L);
    assertThat(readSizes).containsExactly(1, 2);
  }

  @Test
  void junkIdsCannotGrowTheCachePastItsBound() {
    ReadCache<String, ArticleStats> cache = cache(100);
    Context context = vertx.getOrCreateContext();
    String prefix = "junk-" + UUID.randomUUID() + "-";
    for (int from = 0; from < 1000; from += 100) {
      List<String> ids = new ArrayList<>();
      for (int i = from; i < from + 100; i++) {
        ids.add(prefix + i);
      }
      RunningService.await(onLoop(context, () -> cache.getAll(ids, context)));
    }
    assertThat(cache.size()).isEqualTo(100);
    // The most recently read are the ones kept: reading one of them does not touch Redis.
    int before = redisReads.get();
    views(cache, prefix + 999);
    assertThat(redisReads.get()).isEqualTo(before);
    views(cache, prefix + 0);
    assertThat(redisReads.get()).isEqualTo(before + 1);
  }
}
