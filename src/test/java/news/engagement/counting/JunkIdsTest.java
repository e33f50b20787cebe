package news.engagement.counting;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import news.engagement.testing.LocalCluster;
import news.engagement.testing.MutableClock;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestRedis;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * 100 000 article ids nobody vouches for (one view each, as a client inventing ids sends them): their
 * per-article keys expire with the probation TTL, and what stays (their entries in the shards' bucket
 * sets and minute hashes, which expire with their buckets) is within the bound docs/scaling.md gives.
 */
class JunkIdsTest {
  private static final Logger LOG = LoggerFactory.getLogger(JunkIdsTest.class);
  private static final int DB = 0;
  private static final int IDS = 100_000;
  /** docs/scaling.md: what one junk id may cost after its probation, until its buckets expire. */
  // 300 B, plus the minute hash's change mark per article (history writes only changed articles; the
  // mark goes when the minute is retired, 15 minutes after ClickHouse has it).
  private static final long BOUND_BYTES_PER_ID = 350;
  private static final Pattern USED = Pattern.compile("used_memory:(\\d+)");

  @Test
  void junkIdsLeaveRedisWithTheirProbation() throws Exception {
    String run = "junk-" + UUID.randomUUID().toString().substring(0, 8);
    try (TestRedis admin = TestStores.connect(DB)) {
      RedisClusterCommands<String, String> redis = admin.sync();
      long before = usedMemory(redis);
      try (RunningService service = RunningService.start(DB, MutableClock.at("2026-11-24T16:00:00Z"),
          // The counting path's cost per junk id; presence (reading now) keeps its own per-article set of a
          // viewed id for 2 minutes whatever the probation (docs/presence.md), so its writer is parked here.
          Map.of("PROBATION_TTL", "8s", "VIEW_DEDUP_WINDOW", "8s", "MAX_BATCH_EVENTS", "5000",
              "PRESENCE_INTERVAL", "1h"))) {
        for (int request = 0; request < IDS / 100; request++) {
          StringBuilder body = new StringBuilder("[");
          for (int i = 0; i < 100; i++) {
            body.append(i == 0 ? "" : ",").append("{\"type\":\"view\",\"article\":\"").append(run).append('-')
                .append(request * 100 + i).append("\",\"vid\":\"visitor-").append(i).append("\"}");
          }
          service.postEvents(body.append(']').toString(), RunningService.BROWSER_UA);
        }
        service.awaitApplied();
        assertThat(service.article(run + "-" + (IDS - 1)).getLong("views")).isEqualTo(1);
        long during = usedMemory(redis);
        long live = keysMatching(redis, "*" + run + "*");
        assertThat(live).as("totals, HyperLogLogs and dedup markers while on probation").isGreaterThan(IDS);

        // The probation TTL (8 s) passes, and the views' dedup generations expire (two windows at most).
        Thread.sleep(9_000);
        SeenGenerations.awaitGone(redis, service.service.keys(), Duration.ofSeconds(8));
        // The uniques lists merge the closed part of each window for their candidates (at most 200 per
        // window, kept for the open bucket): bounded by the lists, not by the number of ids.
        long candidates = keysMatching(redis, "*:wu:*" + run + "*");
        assertThat(candidates).isLessThanOrEqualTo(4 * 200);
        long left = keysMatching(redis, "*" + run + "*") - candidates;
        long after = usedMemory(redis);
        LOG.info("{} junk ids: {} per-article keys and {} MB more while live; {} keys and {} MB more after probation",
            IDS, live, (during - before) >> 20, left, (after - before) >> 20);
        assertThat(left).isZero();
        assertThat(after - before).isLessThan(IDS * BOUND_BYTES_PER_ID);
      }
    }
  }

  /** Keys matching a pattern (this run's ids appear in per-article keys only). */
  private static long keysMatching(RedisClusterCommands<String, String> redis, String pattern) {
    long n = 0;
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(pattern).limit(10_000));
      n += page.getKeys().size();
      cursor = page;
    } while (!cursor.isFinished());
    return n;
  }

  /** Redis' used memory; on the cluster, summed over every node (masters and their replicas alike). */
  private static long usedMemory(RedisClusterCommands<String, String> redis) {
    if (!TestStores.cluster()) {
      String info = redis.info("memory");
      return usedMemory(info);
    }
    try (LocalCluster cluster = new LocalCluster()) {
      long sum = 0;
      for (int port : cluster.ports()) {
        if (cluster.isMaster(port)) {
          String info = cluster.on(port, r -> r.info("memory"));
          sum += usedMemory(info);
        }
      }
      return sum;
    }
  }

  private static long usedMemory(String info) {
    Matcher m = USED.matcher(info);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }
}
