package news.engagement.counting;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;
import java.util.List;

/** The views' dedup generations (Keys#viewSeen) as tests wait for them to expire. */
public final class SeenGenerations {
  private SeenGenerations() {
  }

  /**
   * Waits until no shard holds a dedup generation up to the current one (Redis' clock): every view counted
   * so far has then left the dedup state, at most two windows and a second after it counted.
   */
  public static void awaitGone(RedisClusterCommands<String, String> redis, Keys keys, Duration window)
      throws InterruptedException {
    long w = window.toMillis();
    long current = Math.floorDiv(redisMillis(redis), w);
    long deadline = System.nanoTime() + window.multipliedBy(2).plusSeconds(30).toNanos();
    for (int shard = 0; shard < keys.shards(); shard++) {
      for (long g = current - 3; g <= current; g++) {
        while (redis.exists(keys.viewSeen(shard, g)) > 0) {
          assertThat(System.nanoTime()).as("dedup generation %d of shard %d expires", g, shard).isLessThan(deadline);
          Thread.sleep(200);
        }
      }
    }
  }

  private static long redisMillis(RedisClusterCommands<String, String> redis) {
    List<String> time = redis.time();
    return Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
  }
}
