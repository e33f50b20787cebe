package news.engagement.counting;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.List;
import java.util.UUID;
import news.engagement.metrics.EngagementMetrics.CountedType;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A batch applied twice (a Lettuce replay after reconnect, our retry after a timeout) counts once. */
class BatchReplayTest {
  private static final int DB = 0;
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

  private List<Long> apply(Batch batch) {
    return redis.eval(Batch.SCRIPT.text(), ScriptOutputType.MULTI, new String[0], batch.args);
  }

  @Test
  void replayingABatchChangesNothingAndReturnsTheFirstResult() {
    String a = "replay-" + UUID.randomUUID().toString().substring(0, 8);
    long now = 1_795_000_000_000L;
    Batch batch = Batch.of("test-" + UUID.randomUUID(), now, 60_000, List.of(
        new Countable(CountedType.VIEW, a, "visitor-1", null),
        new Countable(CountedType.VIEW, a, "visitor-2", null),
        new Countable(CountedType.VIEW, a, "visitor-1", null),
        new Countable(CountedType.LIKE, a, "visitor-1", null),
        new Countable(CountedType.SHARE, a, "visitor-2", "telegram"),
        new Countable(CountedType.PREVIEW, a, "", null),
        new Countable(CountedType.PREVIEW, a, "", null)));
    List<Long> first = apply(batch);
    String minuteKey = Keys.minute(now / 1000 - (now / 1000) % 60);
    String versionAfterFirst = redis.hget(minuteKey, Keys.MINUTE_VERSION_FIELD);

    List<Long> second = apply(batch);

    assertThat(second).isEqualTo(first);
    assertThat(first.get(Batch.VIEWS)).isEqualTo(2);
    assertThat(redis.hgetall(Keys.counts(a))).containsEntry("views", "2").containsEntry("likes", "1")
        .containsEntry("shares", "1").containsEntry("share:telegram", "1").containsEntry("previews", "2");
    assertThat(redis.hget(minuteKey, a + "\tviews")).isEqualTo("2");
    assertThat(redis.hget(minuteKey, Keys.MINUTE_VERSION_FIELD)).isEqualTo(versionAfterFirst);
    assertThat(batch.outcome(first).duplicates()).isEqualTo(1); // visitor-1's second view, coalesced locally
  }

  @Test
  void aNewBatchWithTheSameEventsIsDeduplicatedByTheRulesNotTheMarker() {
    String a = "replay-" + UUID.randomUUID().toString().substring(0, 8);
    List<Countable> events = List.of(new Countable(CountedType.VIEW, a, "visitor-9", null),
        new Countable(CountedType.PREVIEW, a, "", null));
    apply(Batch.of("one-" + UUID.randomUUID(), 1_795_000_000_000L, 60_000, events));
    List<Long> again = apply(Batch.of("two-" + UUID.randomUUID(), 1_795_000_001_000L, 60_000, events));
    assertThat(again.get(Batch.VIEWS_DUP)).isEqualTo(1);
    assertThat(redis.hgetall(Keys.counts(a))).containsEntry("views", "1").containsEntry("previews", "2");
  }
}
