package news.engagement.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import news.engagement.counting.Keys;
import news.engagement.counting.SeenGenerations;
import news.engagement.counting.Keys.BucketSize;
import news.engagement.counting.SourceBounds;
import news.engagement.testing.LocalCluster;
import news.engagement.testing.MutableClock;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestRedis;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * 100 000 counted views with 100 000 distinct junk referrers (each its own registrable domain, some binary)
 * on a few articles: the live source hashes and the minute hash keep at most the cap per article (the rest
 * counted as "&lt;medium&gt;:other", so the sums stay exact), every source key has a TTL, and once the views'
 * dedup markers are gone Redis holds about what it held before.
 */
class JunkReferrersTest {
  private static final Logger LOG = LoggerFactory.getLogger(JunkReferrersTest.class);
  private static final int DB = 0;
  private static final int VIEWS = 100_000;
  private static final int ARTICLES = 4;
  /**
   * What may stay once the dedup markers expired: HyperLogLogs, totals, the capped hashes, and above all
   * the keyspace's own tables, grown for the 100 000 markers and shrunk by Redis only later (about 2 MB
   * on one server, 7 MB over the cluster's three masters, whatever the referrers). Keeping all 100 000
   * sources in the article, site and minute hashes would take about 35 MB; the per-key checks above are
   * the exact ones.
   */
  private static final long BOUND_BYTES = 16L << 20;
  private static final long SOURCE_KEYS_BOUND_BYTES = 32L << 10;
  private static final Pattern USED = Pattern.compile("used_memory:(\\d+)");

  @Test
  void junkReferrersKeepRedisMemoryBounded() throws Exception {
    String run = "junkref-" + UUID.randomUUID().toString().substring(0, 8);
    MutableClock clock = new MutableClock(Instant.parse("2032-01-01T00:02:00Z")
        .plus(Duration.ofHours(new Random().nextInt(50_000))));
    int perArticle = SourceBounds.DEFAULT.perArticle();
    try (TestRedis admin = TestStores.connect(DB)) {
      RedisClusterCommands<String, String> redis = admin.sync();
      long before = usedMemory(redis);
      try (RunningService service = RunningService.start(DB, clock, Map.of("VIEW_DEDUP_WINDOW", "3s",
          "MAX_BATCH_EVENTS", "5000", "PRESENCE_INTERVAL", "1h", "FLUSH_INTERVAL", "1h"))) {
        Random random = new Random(7);
        for (int request = 0; request < VIEWS / 100; request++) {
          StringBuilder body = new StringBuilder("[");
          for (int i = 0; i < 100; i++) {
            int n = request * 100 + i;
            String referrer = n % 10 == 0 ? binary(random) : "https://www.junk-" + n + "-" + run + ".com/p?q=" + n;
            body.append(i == 0 ? "" : ",").append(new JsonObject().put("type", "view")
                .put("article", run + "-" + (n % ARTICLES)).put("vid", "visitor-" + n)
                .put("url", "https://news.example/x").put("referrer", referrer).encode());
          }
          assertThat(service.postEvents(body.append(']').toString(), RunningService.BROWSER_UA).statusCode())
              .isEqualTo(202);
        }
        service.awaitApplied();
        Keys keys = service.service.keys();
        long hour = BucketSize.HOUR.startOf(clock.millis() / 1000);
        long minute = clock.millis() / 60_000 * 60;
        int kept = perArticle + Medium.values().length + 1; // the "<medium>:other"s and direct:direct
        for (int a = 0; a < ARTICLES; a++) {
          String article = run + "-" + a;
          long views = service.article(article).getLong("views");
          assertThat(views).isEqualTo(VIEWS / ARTICLES);
          String key = keys.articleSources(article, hour);
          Map<String, String> hash = redis.hgetall(key);
          // One five-minute slot in this test: "<label>@<slot>" per source kept, "#@<slot>" their number.
          Map<String, Long> sources = new java.util.TreeMap<>();
          String count = null;
          for (Map.Entry<String, String> field : hash.entrySet()) {
            int at = field.getKey().lastIndexOf('@');
            assertThat(at).as(field.getKey()).isPositive();
            if (field.getKey().startsWith("#")) {
              count = field.getValue();
            } else {
              assertThat(Source.ofLabel(field.getKey().substring(0, at))).as(field.getKey()).isNotNull();
              sources.put(field.getKey().substring(0, at), Long.parseLong(field.getValue()));
            }
          }
          assertThat(sources.size()).as(key).isBetween(perArticle, kept);
          assertThat(count).isEqualTo(Integer.toString(sources.size()));
          assertThat(sources.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(views);
          assertThat(sources).containsKey("other:other");
          assertThat(hash.size()).isLessThanOrEqualTo(1 + kept);
          assertThat(redis.pttl(key)).isPositive();
          Map<String, String> minuteHash = redis.hgetall(keys.minute(keys.shardOf(article), minute));
          long sourceFields = minuteHash.keySet().stream().filter(f -> f.startsWith(article + "\ts:")).count();
          assertThat(sourceFields).isBetween(1L, (long) kept);
        }
        for (int shard = 0; shard < keys.shards(); shard++) {
          String key = keys.siteSources(shard, hour);
          if (redis.exists(key) == 1) {
            long fields = redis.hkeys(key).stream().filter(f -> !f.startsWith("#")).count();
            assertThat(fields).isLessThanOrEqualTo(SourceBounds.DEFAULT.perShard() + Medium.values().length + 1);
            assertThat(redis.pttl(key)).isPositive();
          }
        }
        long sourceBytes = 0;
        for (String key : keysMatching(redis, "*:sa:*" + run + "*")) {
          assertThat(redis.pttl(key)).as(key).isPositive();
          sourceBytes += redis.memoryUsage(key);
        }
        // 4 articles' hashes of at most 57 small fields each.
        assertThat(sourceBytes).isLessThan(SOURCE_KEYS_BOUND_BYTES);
        long during = usedMemory(redis);
        // The views' dedup markers live one dedup window; what the junk leaves is what stays after them.
        SeenGenerations.awaitGone(redis, keys, Duration.ofSeconds(3));
        long after = usedMemory(redis);
        LOG.info("{} junk referrers: {} KB more while the dedup markers live, {} KB more after; the articles' "
            + "source hashes take {} bytes", VIEWS, (during - before) >> 10, (after - before) >> 10, sourceBytes);
        assertThat(after - before).isLessThan(BOUND_BYTES);
      }
    }
  }

  private static String binary(Random random) {
    byte[] bytes = new byte[200 + random.nextInt(1800)];
    random.nextBytes(bytes);
    StringBuilder text = new StringBuilder("https://");
    for (byte b : bytes) {
      text.append((char) (b & 0xff));
    }
    return text.toString();
  }

  private static List<String> keysMatching(RedisClusterCommands<String, String> redis, String pattern) {
    List<String> keys = new ArrayList<>();
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(pattern).limit(10_000));
      keys.addAll(page.getKeys());
      cursor = page;
    } while (!cursor.isFinished());
    return keys;
  }

  /** Redis' used memory; on the cluster, summed over the masters (as JunkIdsTest measures it). */
  private static long usedMemory(RedisClusterCommands<String, String> redis) {
    if (!TestStores.cluster()) {
      return parseUsed(redis.info("memory"));
    }
    try (LocalCluster cluster = new LocalCluster()) {
      long sum = 0;
      for (int port : cluster.ports()) {
        if (cluster.isMaster(port)) {
          String info = cluster.on(port, r -> r.info("memory"));
          sum += parseUsed(info);
        }
      }
      return sum;
    }
  }

  private static long parseUsed(String info) {
    Matcher m = USED.matcher(info);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }
}
