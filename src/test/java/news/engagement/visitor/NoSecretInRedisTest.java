package news.engagement.visitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.RedisURI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import news.engagement.config.Config;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.Test;

/**
 * A Redis dump holds no secret that re-identifies a visitor: after traffic with and without vids,
 * no key or value of the database contains VISITOR_SECRET or a key derived from it, in raw, hex or
 * base64 form, and no key is named like a salt or vid key.
 */
class NoSecretInRedisTest {
  private static final int DB = 14;

  @Test
  void aDumpOfRedisHoldsNoKeyMaterial() {
    String a = "nosecret-" + UUID.randomUUID().toString().substring(0, 8);
    try (RunningService service = RunningService.start(DB, Clock.systemUTC(), Map.of())) {
      service.postEvents("[{\"type\":\"view\",\"article\":\"" + a + "\",\"vid\":\"reader-with-vid\"},"
          + "{\"type\":\"like\",\"article\":\"" + a + "\"},{\"type\":\"view\",\"article\":\"" + a + "\"}]",
          RunningService.BROWSER_UA);
      assertThat(service.article(a).getLong("views")).isEqualTo(2);
    }
    VisitorKeys keys = new VisitorKeys(Config.from(name -> name.equals("VISITOR_SECRET")
        ? TestStores.VISITOR_SECRET : null).visitorSecret());
    long today = Math.floorDiv(System.currentTimeMillis(), 86_400_000L);
    List<byte[]> material = new ArrayList<>();
    material.add(TestStores.VISITOR_SECRET.getBytes(StandardCharsets.UTF_8));
    material.add(keys.vidKey());
    for (long day = today - 2; day <= today + 2; day++) {
      material.add(keys.daySalt(day));
    }
    List<byte[]> forms = new ArrayList<>();
    for (byte[] m : material) {
      forms.add(m);
      forms.add(HexFormat.of().formatHex(m).getBytes(StandardCharsets.US_ASCII));
      forms.add(Base64.getEncoder().encode(m));
      forms.add(Base64.getUrlEncoder().withoutPadding().encode(m));
    }

    RedisClient client = RedisClient.create();
    try (StatefulRedisConnection<byte[], byte[]> redis = client.connect(ByteArrayCodec.INSTANCE,
        RedisURI.create(TestStores.redisUrl(DB)))) {
      // DUMP compresses values with LZF, which could hide a key inside: read them uncompressed.
      redis.sync().configSet("rdbcompression", "no");
      int scanned = 0;
      ScanIterator<byte[]> scan = ScanIterator.scan(redis.sync(), ScanArgs.Builder.limit(500));
      while (scan.hasNext()) {
        byte[] key = scan.next();
        String name = new String(key, StandardCharsets.UTF_8);
        assertThat(name).doesNotContain("salt").doesNotContain("vidkey");
        byte[] dump = redis.sync().dump(key);
        for (byte[] form : forms) {
          assertThat(contains(key, form) || (dump != null && contains(dump, form)))
              .as("key material in %s", name).isFalse();
        }
        scanned++;
      }
      assertThat(scanned).as("the traffic left keys to inspect").isPositive();
      redis.sync().configSet("rdbcompression", "yes");
    } finally {
      client.shutdown();
    }
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
