package news.engagement.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The codec states each argument's size before writing it: a size that differed from the bytes written
 * would misframe the command and every one after it. Real Redis echoes the arguments back, with their
 * byte lengths as Redis counted them.
 */
class ExactUtf8CodecTest {
  private static final String ECHO = "local out = {} for i, a in ipairs(ARGV) do out[#out + 1] = a; out[#out + 1] = tostring(#a) end"
      + " out[#out + 1] = KEYS[1] return out";

  private RedisClient client;
  private StatefulRedisConnection<String, String> redis;

  @BeforeEach
  void connect() {
    client = RedisClient.create();
    redis = client.connect(ExactUtf8Codec.INSTANCE, RedisURI.create(TestStores.redisBase()));
  }

  @AfterEach
  void close() {
    redis.close();
    client.shutdown();
  }

  @Test
  void everyArgumentArrivesWhole() {
    List<String> args = new ArrayList<>(List.of("plain", "", "é", "日本語の記事", "😀 an emoji", "tab\tand\nnewline"));
    args.add("x".repeat(10_000) + "ü".repeat(5_000) + "😀".repeat(1_000));
    for (int i = 0; i < 2_000; i++) {
      args.add("lt-article-" + i + "\tvé" + i);
    }
    List<String> echoed = redis.sync().eval(ECHO, ScriptOutputType.MULTI, new String[] {"clé-{ü}"}, args.toArray(String[]::new));
    assertThat(echoed).hasSize(args.size() * 2 + 1);
    for (int i = 0; i < args.size(); i++) {
      assertThat(echoed.get(2 * i)).isEqualTo(args.get(i));
      assertThat(echoed.get(2 * i + 1)).isEqualTo(Integer.toString(args.get(i).getBytes(StandardCharsets.UTF_8).length));
    }
    assertThat(echoed.get(args.size() * 2)).isEqualTo("clé-{ü}");
    // The connection is still framed right: the next command gets its own answer.
    assertThat(redis.sync().echo("after")).isEqualTo("after");
  }

  @Test
  void aLoneSurrogateIsWrittenAsTheOneByteItIsCountedAs() {
    List<String> echoed = redis.sync().eval(ECHO, ScriptOutputType.MULTI, new String[] {"k"}, "a\uD800b", "c");
    assertThat(echoed).containsExactly("a?b", "3", "c", "1", "k");
    assertThat(redis.sync().echo("after")).isEqualTo("after");
  }
}
