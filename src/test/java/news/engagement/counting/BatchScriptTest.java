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
        batch.articles());
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

    assertThat(redis.exists(keys.counts(good), keys.likers(good), keys.viewSeen(good),
        keys.shareSeen(good, "x", "visitor-1"), keys.viewSeen(poisoned),
        keys.watermark(shard, batcher))).isZero();
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
        .containsEntry("direct:direct" + slot, "1").doesNotContainKey("social:facebook" + slot)
        .containsEntry("#" + slot, Integer.toString(cap + 2)).hasSize(cap + 3);
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
    Batch.Call call = batch.encode(keys, batcher, Retention.DEFAULT, LIMITS, BUCKET, true, Set.of(a), Set.of(a));
    String tag = "{" + keys.tag(keys.shardOf(a)) + "}";
    assertThat(call.keys()).allSatisfy(key -> assertThat(key).contains(tag));
    redis.eval(Batch.SCRIPT.text(), ScriptOutputType.VALUE, call.keys(), call.args());

    long probation = Retention.DEFAULT.probationTtl().toSeconds();
    for (String key : List.of(keys.counts(a), keys.uniques(a), keys.likers(a))) {
      assertThat(redis.ttl(key)).as(key).isBetween(probation - 5, probation);
    }
    assertThat(redis.ttl(keys.bucketUniques(a, BucketSize.FIVE_MINUTES, BUCKET))).isPositive();
    assertThat(redis.pttl(keys.viewSeen(a)))
        .isBetween(LIMITS.dedupWindow().toMillis(), Batch.seenTtl(LIMITS.dedupWindow()).toMillis());
    assertThat(redis.ttl(keys.top(keys.shardOf(a), "views", BucketSize.FIVE_MINUTES, BUCKET))).isPositive();
    assertThat(redis.ttl(keys.watermark(keys.shardOf(a), batcher))).isPositive();
  }

  @Test
  void aVisitorCountsAgainOnceTheWindowPassedAndTheSeenSetLetsExpiredVisitorsGo() throws InterruptedException {
    String a = article("window");
    Limits shortWindow = new Limits(Duration.ofMillis(300), 0);
    int shard = keys.shardOf(a);
    assertThat(applyWith(shortWindow, Batch.of(shard, 1, NOW, List.of(view(a, "v1"))), Set.of()).counted()
        .get(CountedType.VIEW)).isEqualTo(1);
    Batch.Outcome again = applyWith(shortWindow, Batch.of(shard, 2, NOW, List.of(view(a, "v1"))), Set.of());
    assertThat(again.counted().get(CountedType.VIEW)).isZero();
    assertThat(again.duplicates()).isEqualTo(1);

    pastWindow(a, shortWindow);
    Batch.Outcome later = applyWith(shortWindow, Batch.of(shard, 3, NOW, List.of(view(a, "v1"), view(a, "v2"))),
        Set.of());
    assertThat(later.counted().get(CountedType.VIEW)).isEqualTo(2);
    assertThat(redis.hget(keys.counts(a), "views")).isEqualTo("3");

    // A trim drops the visitors whose window has passed and gives the set its TTL.
    pastWindow(a, shortWindow);
    applyWith(shortWindow, Batch.of(shard, 4, NOW, List.of(view(a, "v3"))), Set.of(a));
    assertThat(redis.zrange(keys.viewSeen(a), 0, -1)).containsExactly("v3");
    assertThat(redis.pttl(keys.viewSeen(a))).isBetween(1L, Batch.seenTtl(shortWindow.dedupWindow()).toMillis());
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
    assertThat(redis.zcard(keys.viewSeen(a))).isEqualTo(6_000);
    Batch.Outcome again = apply(Batch.of(keys.shardOf(a), 2, NOW, views));
    assertThat(again.counted().get(CountedType.VIEW)).isZero();
    assertThat(again.duplicates()).isEqualTo(6_000);
    assertThat(redis.hget(keys.counts(a), "views")).isEqualTo("6000");
  }

  private static Countable view(String article, String visitor) {
    return new Countable(CountedType.VIEW, article, visitor, null);
  }

  private Batch.Outcome applyWith(Limits limits, Batch batch, Set<String> trim) {
    Batch.Call call = batch.encode(keys, batcher, Retention.DEFAULT, limits, BUCKET, true, batch.articles(), trim);
    return batch.outcome(redis.eval(Batch.SCRIPT.text(), ScriptOutputType.VALUE, call.keys(), call.args()));
  }

  /** Waits (Redis' clock) until every member of the article's seen set is older than the window. */
  private void pastWindow(String article, Limits limits) throws InterruptedException {
    double newest = redis.zrangeWithScores(keys.viewSeen(article), -1, -1).get(0).getScore();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (redisMillis() <= newest + limits.dedupWindow().toMillis()) {
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
      Batch.Call call = batch.encode(keys, batcher, retention, LIMITS, BUCKET, false, Set.of(), Set.of());
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
        first.articles());
    Batch.Outcome outcome = first.outcome(redis.eval(Batch.SCRIPT.text(), ScriptOutputType.VALUE, call.keys(), call.args()));
    assertThat(outcome.counted().get(CountedType.VIEW)).isEqualTo(4);
    assertThat(outcome.capped()).isEqualTo(2);

    // Later batches of the window: still bounded per address, the window's count is kept in Redis.
    Batch later = Batch.of(keys.shardOf(a), 2, NOW, List.of(new Countable(CountedType.VIEW, a, "invented-9", null,
        "address-1"), new Countable(CountedType.VIEW, a, "next-reader", null, "address-3")));
    call = later.encode(keys, batcher, Retention.DEFAULT, bound, BUCKET, true, later.articles(), Set.of());
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
