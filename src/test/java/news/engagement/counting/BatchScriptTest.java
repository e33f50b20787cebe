package news.engagement.counting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import news.engagement.counting.Keys.BucketSize;
import news.engagement.metrics.EngagementMetrics.CountedType;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The batch script on the real Redis: a re-sent batch counts once (the shard's watermark), a batch Redis
 * refuses half-way leaves nothing behind, every key it writes is on one shard and has a TTL.
 */
class BatchScriptTest {
  private static final int DB = 0;
  private static final long NOW = 1_795_000_000_000L;
  private static final long BUCKET = BucketSize.FIVE_MINUTES.startOf(NOW / 1000);
  private static final Limits LIMITS = new Limits(Duration.ofMinutes(1), 0);
  private final Keys keys = new Keys(Keys.DEFAULT_SHARDS);
  private final String batcher = "test-" + UUID.randomUUID().toString().substring(0, 8);
  private RedisClient client;
  private StatefulRedisConnection<String, String> connection;
  private RedisCommands<String, String> redis;

  @BeforeEach
  void connect() {
    client = RedisClient.create();
    connection = TestStores.redis(client, DB);
    redis = connection.sync();
  }

  @AfterEach
  void close() {
    connection.close();
    client.shutdown();
  }

  private Batch.Outcome apply(Batch batch) {
    Batch.Call call = batch.encode(keys, batcher, Retention.DEFAULT, LIMITS, BUCKET, true, batch.articles(),
        System.currentTimeMillis());
    String result = redis.eval(Batch.SCRIPT.text(), ScriptOutputType.VALUE, call.keys(), call.args());
    return batch.outcome(result);
  }

  private static String article(String name) {
    return name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void aReSentBatchChangesNothingAndReturnsTheFirstResult() {
    String a = article("replay");
    Batch batch = Batch.of(keys.shardOf(a), 1, NOW, List.of(
        new Countable(CountedType.VIEW, a, "visitor-1", null),
        new Countable(CountedType.VIEW, a, "visitor-2", null),
        new Countable(CountedType.VIEW, a, "visitor-1", null),
        new Countable(CountedType.LIKE, a, "visitor-1", null),
        new Countable(CountedType.SHARE, a, "visitor-2", "telegram"),
        new Countable(CountedType.PREVIEW, a, "", null),
        new Countable(CountedType.PREVIEW, a, "", null)));
    Batch.Outcome first = apply(batch);
    String minuteKey = keys.minute(keys.shardOf(a), NOW / 1000 - (NOW / 1000) % 60);
    Map<String, String> minuteAfterFirst = redis.hgetall(minuteKey);

    Batch.Outcome second = apply(batch);

    assertThat(first.replayed()).isFalse();
    assertThat(second.replayed()).isTrue();
    assertThat(second.counted()).isEqualTo(first.counted());
    assertThat(first.counted().get(CountedType.VIEW)).isEqualTo(2);
    assertThat(first.duplicates()).isEqualTo(1); // visitor-1's second view, coalesced in process
    assertThat(redis.hgetall(keys.counts(a))).containsEntry("views", "2").containsEntry("likes", "1")
        .containsEntry("shares", "1").containsEntry("share:telegram", "1").containsEntry("previews", "2");
    assertThat(redis.hgetall(minuteKey)).isEqualTo(minuteAfterFirst).containsEntry(a + "\tviews", "2");
    assertThat(redis.zscore(keys.top(keys.shardOf(a), "views", BucketSize.FIVE_MINUTES, BUCKET), a)).isEqualTo(2.0);
    assertThat(redis.pfcount(keys.uniques(a))).isEqualTo(2);
  }

  @Test
  void theNextSequenceIsDeduplicatedByTheRulesNotTheWatermark() {
    String a = article("rules");
    List<Countable> events = List.of(new Countable(CountedType.VIEW, a, "visitor-9", null),
        new Countable(CountedType.PREVIEW, a, "", null));
    apply(Batch.of(keys.shardOf(a), 1, NOW, events));
    Batch.Outcome again = apply(Batch.of(keys.shardOf(a), 2, NOW + 1000, events));
    assertThat(again.replayed()).isFalse();
    assertThat(again.duplicates()).isEqualTo(1);
    assertThat(redis.hgetall(keys.counts(a))).containsEntry("views", "1").containsEntry("previews", "2");
  }

  @Test
  void aBatchThatFailsHalfWayLeavesNothingBehind() {
    String good = article("good");
    String poisoned = sameShardAs(good, "poisoned");
    int shard = keys.shardOf(good);
    redis.set(keys.counts(poisoned), "not a hash"); // a foreign key of the wrong type: WRONGTYPE on HINCRBY
    Batch batch = Batch.of(shard, 1, NOW, List.of(
        new Countable(CountedType.VIEW, good, "visitor-1", null),
        new Countable(CountedType.LIKE, good, "visitor-1", null),
        new Countable(CountedType.SHARE, good, "visitor-1", "x"),
        new Countable(CountedType.VIEW, poisoned, "visitor-1", null)));

    assertThatThrownBy(() -> apply(batch)).isInstanceOf(RedisCommandExecutionException.class)
        .hasMessageContaining("WRONGTYPE")
        .satisfies(err -> assertThat(RedisFailure.deterministic(err)).isTrue());

    assertThat(redis.exists(keys.counts(good), keys.likers(good),
        keys.shareSeen(good, "x", "visitor-1"), keys.watermark(shard, batcher))).isZero();
    assertThat(countedAt(LIMITS, good, "visitor-1")).isNull();
    assertThat(countedAt(LIMITS, poisoned, "visitor-1")).isNull();
    // The shard's minute hash may hold other tests' articles: this batch's fields must not be there.
    assertThat(redis.hget(keys.minute(shard, NOW / 1000 - (NOW / 1000) % 60), good + "\tviews")).isNull();
    assertThat(redis.zscore(keys.top(shard, "views", BucketSize.FIVE_MINUTES, BUCKET), good)).isNull();

    // The good article's part alone applies, with a later sequence.
    Batch.Outcome alone = apply(batch.only(good, 2));
    assertThat(alone.counted().get(CountedType.VIEW)).isEqualTo(1);
    assertThat(redis.hgetall(keys.counts(good))).containsEntry("views", "1").containsEntry("likes", "1");
  }

  @Test
  void aFailedBatchTakesBackItsSourcesAlsoOnesFoldedPastTheCap() {
    String good = article("sources");
    String poisoned = sameShardAs(good, "poisoned");
    int shard = keys.shardOf(good);
    int cap = SourceBounds.DEFAULT.perArticle();
    List<Countable> full = new java.util.ArrayList<>();
    for (int i = 0; i < cap; i++) {
      full.add(new Countable(CountedType.VIEW, good, "reader-" + i, null, "", "other:site-" + i + ".example"));
    }
    apply(Batch.of(shard, 1, NOW, full));
    String hourHash = keys.articleSources(good, BucketSize.HOUR.startOf(BUCKET));
    String slot = "@" + (BUCKET - BucketSize.HOUR.startOf(BUCKET)) / 300;
    Map<String, String> before = redis.hgetall(hourHash);
    assertThat(before).containsEntry("#" + slot, Integer.toString(cap)).containsEntry("other:site-0.example" + slot, "1")
        .hasSize(cap + 1);

    redis.set(keys.counts(poisoned), "not a hash");
    Batch failing = Batch.of(shard, 2, NOW, List.of(
        new Countable(CountedType.VIEW, good, "reader-a", null, "", "other:site-0.example"),
        new Countable(CountedType.VIEW, good, "reader-b", null, "", "social:facebook"), // past the cap: social:other
        new Countable(CountedType.VIEW, good, "reader-c", null, "", "direct:direct"), // never refused
        new Countable(CountedType.VIEW, poisoned, "reader-a", null, "", "search:google")));
    assertThatThrownBy(() -> apply(failing)).hasMessageContaining("WRONGTYPE");
    assertThat(redis.hgetall(hourHash)).isEqualTo(before);

    Batch.Outcome alone = apply(failing.only(good, 3));
    assertThat(alone.counted().get(CountedType.VIEW)).isEqualTo(3);
    Map<String, String> after = redis.hgetall(hourHash);
    assertThat(after).containsEntry("other:site-0.example" + slot, "2").containsEntry("social:other" + slot, "1")
        .doesNotContainKey("social:facebook" + slot)
        // Direct views are implicit per article (readers take them from the article's views): no field.
        .doesNotContainKey("direct:direct" + slot)
        .containsEntry("#" + slot, Integer.toString(cap + 1)).hasSize(cap + 2);
    assertThat(redis.ttl(hourHash)).isPositive();
    // The minute hash: one field per source but direct (the flusher counts the views no field claims).
    String minute = keys.minute(shard, NOW / 1000 - (NOW / 1000) % 60);
    assertThat(redis.hget(minute, good + "\ts:social:other")).isEqualTo("1");
    assertThat(redis.hget(minute, good + "\ts:direct:direct")).isNull();
  }

  @Test
  void everyKeyTheScriptWritesIsOnTheArticlesShardAndExpires() {
    String a = article("ttl");
    Batch batch = Batch.of(keys.shardOf(a), 1, NOW, List.of(
        new Countable(CountedType.VIEW, a, "visitor-1", null),
        new Countable(CountedType.LIKE, a, "visitor-1", null),
        new Countable(CountedType.SHARE, a, "visitor-1", "telegram")));
    Batch.Call call = batch.encode(keys, batcher, Retention.DEFAULT, LIMITS, BUCKET, true, Set.of(a),
        System.currentTimeMillis());
    String tag = "{" + keys.tag(keys.shardOf(a)) + "}";
    assertThat(call.keys()).allSatisfy(key -> assertThat(key).contains(tag));
    redis.eval(Batch.SCRIPT.text(), ScriptOutputType.VALUE, call.keys(), call.args());

    long probation = Retention.DEFAULT.probationTtl().toSeconds();
    for (String key : List.of(keys.counts(a), keys.uniques(a), keys.likers(a))) {
      assertThat(redis.ttl(key)).as(key).isBetween(probation - 5, probation);
    }
    assertThat(redis.ttl(keys.bucketUniques(a, BucketSize.FIVE_MINUTES, BUCKET))).isPositive();
    // The shard's dedup generation lives until the next one ends: at least a window, at most two and a second.
    long window = Batch.generationMillis(LIMITS.dedupWindow());
    long generation = Math.floorDiv(countedAt(LIMITS, a, "visitor-1"), window);
    assertThat(redis.pttl(keys.viewSeen(keys.shardOf(a), generation))).isBetween(window - 5_000, 2 * window + 1_000);
    assertThat(redis.ttl(keys.top(keys.shardOf(a), "views", BucketSize.FIVE_MINUTES, BUCKET))).isPositive();
    assertThat(redis.ttl(keys.watermark(keys.shardOf(a), batcher))).isPositive();
  }

  @Test
  void aVisitorCountsAgainOnceTheWindowPassedAndOldGenerationsExpire() throws InterruptedException {
    String a = article("window");
    Limits shortWindow = new Limits(Duration.ofMillis(300), 0);
    int shard = keys.shardOf(a);
    assertThat(applyWith(shortWindow, Batch.of(shard, 1, NOW, List.of(view(a, "v1")))).counted()
        .get(CountedType.VIEW)).isEqualTo(1);
    Batch.Outcome again = applyWith(shortWindow, Batch.of(shard, 2, NOW, List.of(view(a, "v1"))));
    assertThat(again.counted().get(CountedType.VIEW)).isZero();
    assertThat(again.duplicates()).isEqualTo(1);

    long first = countedAt(shortWindow, a, "v1");
    pastWindow(first, shortWindow);
    Batch.Outcome later = applyWith(shortWindow, Batch.of(shard, 3, NOW, List.of(view(a, "v1"), view(a, "v2"))));
    assertThat(later.counted().get(CountedType.VIEW)).isEqualTo(2);
    assertThat(redis.hget(keys.counts(a), "views")).isEqualTo("3");
    assertThat(countedAt(shortWindow, a, "v1")).isGreaterThanOrEqualTo(first + 300);

    // The first view's generation (a second long: a generation is never shorter) is gone once the one
    // after it has ended (plus a second).
    long window = Batch.generationMillis(shortWindow.dedupWindow());
    assertThat(window).isEqualTo(1_000);
    long generation = Math.floorDiv(first, window);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (redisMillis() <= (generation + 2) * window + 1_000) {
      assertThat(System.nanoTime()).as("Redis' clock stands still").isLessThan(deadline);
      Thread.sleep(50);
    }
    assertThat(redis.exists(keys.viewSeen(shard, generation))).isZero();
  }

  @Test
  void aViewAWindowOldInThePreviousGenerationCountsAndOneInsideItDoesNot() throws InterruptedException {
    // One visitor's view just inside the window and another's just past it, both in the previous generation.
    String a = article("edge");
    Limits window = new Limits(Duration.ofSeconds(2), 0);
    int shard = keys.shardOf(a);
    long w = 2_000;
    // Wait for the last half of a generation, then count v-old; a quarter window later v-new; then both
    // again just after the next generation begins plus half a window: v-old is then past it, v-new not.
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (Math.floorMod(redisMillis(), w) < w / 2 || Math.floorMod(redisMillis(), w) > w / 2 + 200) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(10);
    }
    applyWith(window, Batch.of(shard, 1, NOW, List.of(view(a, "v-old"))));
    Thread.sleep(w / 4 + 100);
    applyWith(window, Batch.of(shard, 2, NOW, List.of(view(a, "v-new"))));
    long old = countedAt(window, a, "v-old");
    long fresh = countedAt(window, a, "v-new");
    assertThat(Math.floorDiv(old, w)).isEqualTo(Math.floorDiv(fresh, w));
    // A moment when v-old's view is over a window old and v-new's is not, in the next generation.
    while (redisMillis() <= old + w + 20) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(5);
    }
    assertThat(redisMillis()).as("too slow to land between the two").isLessThan(fresh + w - 50);
    Batch.Outcome edge = applyWith(window, Batch.of(shard, 3, NOW, List.of(view(a, "v-old"), view(a, "v-new"))));
    assertThat(edge.counted().get(CountedType.VIEW)).isEqualTo(1);
    assertThat(edge.duplicates()).isEqualTo(1);
    assertThat(countedAt(window, a, "v-old")).isGreaterThan(old + w);
    assertThat(countedAt(window, a, "v-new")).isEqualTo(fresh);
  }

  @Test
  void aWindowShorterThanAGenerationStillLetsAVisitorCountAgainWithinTheGeneration() throws InterruptedException {
    // 50 ms window, one-second generations: the second view lands in the same generation as the first,
    // finds it there and older than the window, and counts (its entry is replaced, and undone on failure).
    String a = article("short");
    Limits window = new Limits(Duration.ofMillis(50), 0);
    int shard = keys.shardOf(a);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (Math.floorMod(redisMillis(), 1_000) > 500) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(10);
    }
    assertThat(applyWith(window, Batch.of(shard, 1, NOW, List.of(view(a, "v1")))).counted().get(CountedType.VIEW))
        .isEqualTo(1);
    long first = countedAt(window, a, "v1");
    Thread.sleep(120);
    String poisoned = sameShardAs(a, "poisoned");
    redis.set(keys.counts(poisoned), "not a hash");
    Batch failing = Batch.of(shard, 2, NOW, List.of(view(a, "v1"), view(poisoned, "v1")));
    assertThatThrownBy(() -> applyWith(window, failing)).hasMessageContaining("WRONGTYPE");
    assertThat(countedAt(window, a, "v1")).as("the failed call's replacement is undone").isEqualTo(first);
    Batch.Outcome again = applyWith(window, failing.only(a, 3));
    assertThat(again.counted().get(CountedType.VIEW)).isEqualTo(1);
    long second = countedAt(window, a, "v1");
    assertThat(Math.floorDiv(second, 1_000)).as("same generation").isEqualTo(Math.floorDiv(first, 1_000));
    assertThat(second).isGreaterThanOrEqualTo(first + 100);
    assertThat(redis.hget(keys.counts(a), "views")).isEqualTo("2");
  }

  @Test
  void aCallNamingGenerationsRedisClockIsNotInIsRefusedWithRedisTimeAndNothingWritten() {
    String a = article("skew");
    Batch batch = Batch.of(keys.shardOf(a), 1, NOW, List.of(view(a, "v1")));
    long hourAgo = System.currentTimeMillis() - Duration.ofHours(1).toMillis();
    Batch.Call call = batch.encode(keys, batcher, Retention.DEFAULT, LIMITS, BUCKET, true, batch.articles(), hourAgo);
    assertThatThrownBy(() -> redis.eval(Batch.SCRIPT.text(), ScriptOutputType.VALUE, call.keys(), call.args()))
        .hasMessageContaining("CLOCKSKEW")
        .satisfies(err -> {
          assertThat(RedisFailure.deterministic(err)).as("a retry, renamed, applies it").isFalse();
          assertThat(RedisFailure.clockSkew(err)).isCloseTo(redisMillis(), org.assertj.core.data.Offset.offset(5_000L));
        });
    assertThat(redis.exists(keys.counts(a))).isZero();
    Batch.Outcome outcome = apply(batch);
    assertThat(outcome.counted().get(CountedType.VIEW)).isEqualTo(1);
    assertThat(outcome.redisMillis()).isCloseTo(redisMillis(), org.assertj.core.data.Offset.offset(5_000L));
  }

  @Test
  void aHotArticleWithThousandsOfViewsInOneBatchCountsThemAll() {
    // Past Lua's stack (about 8 000 values in one unpack) if the script took the views in one piece.
    String a = article("hot");
    List<Countable> views = new java.util.ArrayList<>();
    for (int i = 0; i < 6_000; i++) {
      views.add(view(a, "reader-" + i));
    }
    Batch.Outcome outcome = apply(Batch.of(keys.shardOf(a), 1, NOW, views));
    assertThat(outcome.counted().get(CountedType.VIEW)).isEqualTo(6_000);
    long generation = Math.floorDiv(countedAt(LIMITS, a, "reader-0"), Batch.generationMillis(LIMITS.dedupWindow()));
    String[] fields = views.stream().map(v -> a + "\t" + v.visitor()).toArray(String[]::new);
    assertThat(redis.hmget(keys.viewSeen(keys.shardOf(a), generation), fields)).allSatisfy(kv -> assertThat(kv.hasValue()).isTrue());
    Batch.Outcome again = apply(Batch.of(keys.shardOf(a), 2, NOW, views));
    assertThat(again.counted().get(CountedType.VIEW)).isZero();
    assertThat(again.duplicates()).isEqualTo(6_000);
    assertThat(redis.hget(keys.counts(a), "views")).isEqualTo("6000");
  }

  private static Countable view(String article, String visitor) {
    return new Countable(CountedType.VIEW, article, visitor, null);
  }

  private Batch.Outcome applyWith(Limits limits, Batch batch) {
    Batch.Call call = batch.encode(keys, batcher, Retention.DEFAULT, limits, BUCKET, true, batch.articles(),
        System.currentTimeMillis());
    return batch.outcome(redis.eval(Batch.SCRIPT.text(), ScriptOutputType.VALUE, call.keys(), call.args()));
  }

  /**
   * When (ms, Redis' clock) the visitor's view of the article last counted, read off the shard's dedup
   * generations around now (the newest that has it); null when none has.
   */
  private Long countedAt(Limits limits, String article, String visitor) {
    long window = Batch.generationMillis(limits.dedupWindow());
    long now = Math.floorDiv(redisMillis(), window);
    for (long g = now + 1; g >= now - 2; g--) {
      String offset = redis.hget(keys.viewSeen(keys.shardOf(article), g), article + "\t" + visitor);
      if (offset != null) {
        return g * window + Long.parseLong(offset);
      }
    }
    return null;
  }

  /** Waits (Redis' clock) until a view counted at {@code countedAt} is older than the window. */
  private void pastWindow(long countedAt, Limits limits) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (redisMillis() <= countedAt + limits.dedupWindow().toMillis()) {
      assertThat(System.nanoTime()).as("Redis' clock stands still").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private long redisMillis() {
    List<String> time = redis.time();
    return Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
  }

  @Test
  void anArticleThatReachesTheVouchThresholdKeepsTheLongTtl() {
    String a = article("vouched");
    Retention retention = new Retention(Duration.ofDays(400), Duration.ofHours(1), 3);
    for (int seq = 1; seq <= 3; seq++) {
      Batch batch = Batch.of(keys.shardOf(a), seq, NOW, List.of(new Countable(CountedType.VIEW, a, "v" + seq, null)));
      Batch.Call call = batch.encode(keys, batcher, retention, LIMITS, BUCKET, false, Set.of(),
          System.currentTimeMillis());
      redis.eval(Batch.SCRIPT.text(), ScriptOutputType.VALUE, call.keys(), call.args());
      long ttl = redis.ttl(keys.counts(a));
      if (seq < 3) {
        assertThat(ttl).as("on probation after %d views", seq).isBetween(3500L, 3600L);
      } else {
        assertThat(ttl).as("vouched").isGreaterThan(Duration.ofDays(399).toSeconds());
      }
    }
  }

  @Test
  void oneAddressAddsAtMostTheBoundOfViewsPerArticleWhateverVidsItSends() {
    String a = article("inflated");
    Limits bound = new Limits(Duration.ofMinutes(1), 3);
    List<Countable> fromOne = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      fromOne.add(new Countable(CountedType.VIEW, a, "invented-" + i, null, "address-1"));
    }
    fromOne.add(new Countable(CountedType.VIEW, a, "other-reader", null, "address-2"));
    Batch first = Batch.of(keys.shardOf(a), 1, NOW, fromOne);
    Batch.Call call = first.encode(keys, batcher, Retention.DEFAULT, bound, BUCKET, true, first.articles(),
        System.currentTimeMillis());
    Batch.Outcome outcome = first.outcome(redis.eval(Batch.SCRIPT.text(), ScriptOutputType.VALUE, call.keys(), call.args()));
    assertThat(outcome.counted().get(CountedType.VIEW)).isEqualTo(4);
    assertThat(outcome.capped()).isEqualTo(2);

    // Later batches of the window: still bounded per address, the window's count is kept in Redis.
    Batch later = Batch.of(keys.shardOf(a), 2, NOW, List.of(new Countable(CountedType.VIEW, a, "invented-9", null,
        "address-1"), new Countable(CountedType.VIEW, a, "next-reader", null, "address-3")));
    call = later.encode(keys, batcher, Retention.DEFAULT, bound, BUCKET, true, later.articles(),
        System.currentTimeMillis());
    outcome = later.outcome(redis.eval(Batch.SCRIPT.text(), ScriptOutputType.VALUE, call.keys(), call.args()));
    assertThat(outcome.counted().get(CountedType.VIEW)).isEqualTo(1);
    assertThat(outcome.capped()).isEqualTo(1);
    assertThat(redis.hget(keys.counts(a), "views")).isEqualTo("5");
    assertThat(redis.pfcount(keys.uniques(a))).isEqualTo(5);
    String addresses = keys.addressViews(keys.shardOf(a), Math.floorDiv(NOW, 60_000) * 60_000);
    assertThat(redis.hget(addresses, a + "\taddress-1")).isEqualTo("6");
    assertThat(redis.pttl(addresses)).isBetween(1L, 120_000L);
  }

  private String sameShardAs(String other, String name) {
    while (true) {
      String candidate = article(name);
      if (keys.shardOf(candidate) == keys.shardOf(other)) {
        return candidate;
      }
    }
  }
}
