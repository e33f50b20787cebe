package news.engagement.counting;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import news.engagement.testing.MutableClock;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures, with Redis' own INFO commandstats, how many round trips and commands 1000 events cost, and
 * holds the batcher to coalescing: one script call per batch, one increment per article and counter.
 */
class CoalescingTest {
  private static final Logger LOG = LoggerFactory.getLogger(CoalescingTest.class);
  private static final Pattern STAT = Pattern.compile("cmdstat_(\\w+):calls=(\\d+)");
  private static final int DB = 0;
  private static final int ARTICLES = 20;
  private static final int EVENTS = 1000;

  @Test
  void thousandEventsCostAFewRoundTripsAndCoalescedIncrements() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    RedisClient client = RedisClient.create();
    // No timer within the test and batches of up to 1000: the 1000 events, all on one shard, go as one
    // batch once all are queued (a shard's batch goes when full or when its oldest event is an interval old).
    try (RunningService service = RunningService.start(DB, MutableClock.at("2026-11-24T14:00:00Z"),
            // Nothing else runs scripts in the measured window: flusher, top-list builder and presence parked.
            Map.of("BATCH_INTERVAL", "1h", "MAX_BATCH_EVENTS", "1000", "FLUSH_INTERVAL", "1h",
                "TOP_LISTS_REFRESH", "1h", "PRESENCE_INTERVAL", "1h", "PRESENCE_FLUSH_INTERVAL", "1h"));
         StatefulRedisConnection<String, String> admin = TestStores.redis(client, DB)) {
      // The top-list builder's first build (its roll-up catch-up) is done once a list has been served.
      assertThat(service.get("/v1/top?metric=views&window=30d").statusCode()).isEqualTo(200);
      admin.sync().scriptLoad(Batch.SCRIPT.text()); // no NOSCRIPT round trip in the measured window
      Keys keys = service.service.keys();
      List<String> articles = new ArrayList<>();
      for (int n = 0; articles.size() < ARTICLES; n++) {
        String candidate = "coalesce-" + run + "-" + n;
        if (keys.shardOf(candidate) == keys.shardOf("coalesce-" + run + "-0")) {
          articles.add(candidate);
        }
      }
      admin.sync().configResetstat();
      // 1000 events on 20 articles, 50 each: 800 views and 200 likes (articles 4, 9, 14, 19 get the likes).
      int sent = 0;
      for (int request = 0; request < EVENTS / 100; request++) {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < 100; i++, sent++) {
          String article = articles.get(sent % ARTICLES);
          String type = sent % 5 == 4 ? "like" : "view";
          body.append(i == 0 ? "" : ",").append("{\"type\":\"").append(type).append("\",\"article\":\"")
              .append(article).append("\",\"vid\":\"visitor-").append(sent).append("\"}");
        }
        assertThat(service.postEvents(body.append("]").toString(), RunningService.BROWSER_UA)
            .bodyAsJsonObject().getInteger("accepted")).isEqualTo(100);
      }
      service.awaitApplied();
      Map<String, Long> calls = commandStats(admin.sync().info("commandstats"));
      long roundTrips = calls.getOrDefault("evalsha", 0L) + calls.getOrDefault("eval", 0L);
      long total = calls.entrySet().stream().filter(e -> !e.getKey().equals("info") && !e.getKey().equals("config"))
          .mapToLong(Map.Entry::getValue).sum();
      LOG.info("Redis cost of {} events: {} round trips (script calls), {} commands in all; per command: {}",
          EVENTS, roundTrips, total, calls);

      long shards = 1;
      assertThat(roundTrips).as("one script call for the shard").isEqualTo(shards);
      // Per article and batch: one HINCRBY per counter on its totals; the minute hash and the top buckets
      // are written with one HMGET/HSET and ZMSCORE/ZADD per shard, never per event.
      // Traffic sources (docs/sources.md): per shard and batch one HINCRBY per distinct source into the
      // site's hour hash (a source new to the hash one more, its count of sources). These views have no
      // referrer, "direct:direct", which is implicit per article: no HINCRBY, no hash, no EXPIRE of its own.
      assertThat(calls.get("hincrby")).isLessThanOrEqualTo(ARTICLES * 2 + shards * 2);
      assertThat(calls.get("zincrby")).isNull();
      // The minute hash's HSET, and the dedup generation's: one per 500 counted views (800 here).
      assertThat(calls.get("hset")).isEqualTo(shards + shards * 2);
      // Per view its dedup SET, per like its SADD; per article: totals, two HyperLogLogs, TTLs; per shard: a dozen.
      assertThat(total).as("%s", calls).isLessThanOrEqualTo(800 + 200 + ARTICLES * 8L + 4 + shards * 12
          + ARTICLES * 4L + shards * 4);
      assertThat(service.article(articles.get(3)).getLong("views")).isEqualTo(50); // every 20th event from 3: all views
      assertThat(service.article(articles.get(4)).getLong("likes")).isEqualTo(50);
    } finally {
      client.shutdown();
    }
  }

  private static Map<String, Long> commandStats(String info) {
    Map<String, Long> calls = new TreeMap<>();
    Matcher m = STAT.matcher(info);
    while (m.find()) {
      calls.put(m.group(1), Long.parseLong(m.group(2)));
    }
    return calls;
  }
}
