package news.engagement.counting;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.Set;
import news.engagement.counting.Keys.BucketSize;
import news.engagement.metrics.EngagementMetrics.CountedType;

/**
 * The batch script alone, as {@code bench/batch-replay.sh} runs it: long-tail views of new visitors (5 000
 * articles, Zipf s = 1, a fixed seed) made into one shard's calls of a given size, as the batcher would,
 * sent straight to Redis one at a time. Prints Redis' own CPU per view (INFO cpu), so a change to the
 * script or the key model is compared on the same calls, free of the HTTP path and of wrk. Not a test.
 *
 * <p>Arguments: Redis port, views measured, views per call, views sent first as warm-up. System property
 * {@code replay.script} loads a script file in place of the built-in one (a variant compared on the same
 * calls); {@code replay.source} sets the views' source label ({@code direct:direct} unless given).
 */
public final class BatchReplay {
  private static final int ARTICLES = 5_000;

  private BatchReplay() {
  }

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(args[0]);
    int views = Integer.parseInt(args[1]);
    int perCall = Integer.parseInt(args[2]);
    int warm = Integer.parseInt(args[3]);
    Keys keys = new Keys(Keys.DEFAULT_SHARDS);
    double[] cdf = new double[ARTICLES];
    double total = 0;
    for (int k = 0; k < ARTICLES; k++) {
      total += 1.0 / (k + 1);
      cdf[k] = total;
    }
    Random random = new Random(42);
    RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> redis = connection.sync();
      String script = System.getProperty("replay.script");
      String sha = redis.scriptLoad(script == null ? Batch.SCRIPT.text()
          : Files.readString(Path.of(script), StandardCharsets.UTF_8));
      String source = System.getProperty("replay.source", "direct:direct");
      List<List<Countable>> lanes = new ArrayList<>();
      for (int i = 0; i < keys.shards(); i++) {
        lanes.add(new ArrayList<>());
      }
      long[] sequence = new long[keys.shards()];
      Limits limits = new Limits(Duration.ofMinutes(30), 0);
      long cpu0 = 0;
      long calls = 0;
      for (int v = 0; v < warm + views; v++) {
        if (v == warm) {
          cpu0 = cpuMicros(redis);
          calls = 0;
        }
        double u = random.nextDouble() * total;
        int lo = 0;
        int hi = ARTICLES - 1;
        while (lo < hi) {
          int mid = (lo + hi) >>> 1;
          if (cdf[mid] < u) {
            lo = mid + 1;
          } else {
            hi = mid;
          }
        }
        String article = "lt-article-" + (lo + 1);
        byte[] hash = new byte[16];
        random.nextBytes(hash);
        String visitor = "v1" + Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        int shard = keys.shardOf(article);
        List<Countable> lane = lanes.get(shard);
        lane.add(new Countable(CountedType.VIEW, article, visitor, null, "", source));
        if (lane.size() == perCall) {
          long now = System.currentTimeMillis();
          Batch batch = Batch.of(shard, ++sequence[shard], now, lane);
          Batch.Call call = batch.encode(keys, "replay", Retention.DEFAULT, limits,
              BucketSize.FIVE_MINUTES.startOf(now / 1000), false, Set.of(), now);
          redis.evalsha(sha, ScriptOutputType.VALUE, call.keys(), call.args());
          calls++;
          lanes.set(shard, new ArrayList<>());
        }
      }
      long cpu = cpuMicros(redis) - cpu0;
      System.out.printf("%d views in %d calls of %d: Redis CPU %.2f us per view%n", views, calls, perCall,
          cpu / (double) views);
    } finally {
      client.shutdown();
    }
  }

  private static long cpuMicros(RedisCommands<String, String> redis) {
    long micros = 0;
    for (String line : redis.info("cpu").split("\r\n")) {
      if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
        micros += (long) (Double.parseDouble(line.substring(line.indexOf(':') + 1)) * 1e6);
      }
    }
    return micros;
  }
}
