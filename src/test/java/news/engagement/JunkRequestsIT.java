package news.engagement;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import news.engagement.testing.RawHttp;
import news.engagement.testing.ServiceProcess;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * 20 000 junk requests of every kind against the packaged service: each is answered 4xx with a JSON
 * {error, message}, none is a 5xx, the log holds no stack trace, and the service still counts after.
 */
class JunkRequestsIT {
  private static final Logger LOG = LoggerFactory.getLogger(JunkRequestsIT.class);
  private static final int REQUESTS = 20_000;
  private static final String UA = "Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0 Safari/537.36";
  private static final String EVIL = "https://evil.example";

  /** Each kind of junk, by name; the argument makes requests of one kind differ from each other. */
  private static final Map<String, IntFunction<byte[]>> KINDS = new TreeMap<>(Map.ofEntries(
      Map.entry("bad escape in top", i -> get("/v1/top?metric=%zz&limit=" + i)),
      Map.entry("cut escape in ids", i -> get("/v1/articles?ids=a" + i + ",%")),
      Map.entry("bad escape in trending", i -> get("/v1/editor/trending?window=%g" + i)),
      Map.entry("bad escape in timeseries", i -> get("/v1/editor/articles/a" + i + "/timeseries?from=%%")),
      Map.entry("bad escape in path", i -> get("/v1/articles/%zz" + i)),
      Map.entry("escaped bad UTF-8 in path", i -> get("/v1/articles/%ff%fe" + i)),
      Map.entry("raw bad UTF-8 in path", i -> get("/v1/articles/\u00ff\u00c3" + i)),
      Map.entry("raw bad UTF-8 in query", i -> get("/v1/top?metric=\u00ff\u00fe" + i)),
      Map.entry("unknown path", i -> get("/wp-login.php?x=" + i)),
      Map.entry("bad limit", i -> get("/v1/top?limit=" + (1000 + i))),
      Map.entry("bad UTF-8 body", i -> post("text/plain", "{\"type\":\"view\",\"article\":\"\u00ff\u00fe" + i + "\"}")),
      Map.entry("broken JSON", i -> post("application/json", "{\"type\":\"view\",\"article\":" + i)),
      Map.entry("deep JSON", i -> post("application/json", "[".repeat(5_000 + i % 100))),
      Map.entry("binary junk", i -> post("text/plain", junk(i, 512))),
      Map.entry("invalid events only", i -> post("text/plain", "[{\"type\":\"boo\",\"article\":\"../" + i + "\"}]")),
      Map.entry("huge body", i -> post("text/plain", "[" + " ".repeat(70_000) + "]")),
      Map.entry("huge header", i -> request("GET /v1/articles/a" + i + " HTTP/1.1\r\nHost: x\r\nX-Junk: "
          + "j".repeat(20_000) + "\r\nConnection: close\r\n\r\n")),
      Map.entry("huge URI", i -> get("/v1/articles/" + "a".repeat(9_000) + i)),
      Map.entry("disallowed origin", i -> request("GET /v1/articles/a" + i + " HTTP/1.1\r\nHost: x\r\nOrigin: "
          + EVIL + "\r\nConnection: close\r\n\r\n")),
      Map.entry("disallowed preflight", i -> request("OPTIONS /v1/events HTTP/1.1\r\nHost: x\r\nOrigin: " + EVIL
          + "\r\nAccess-Control-Request-Method: POST\r\nConnection: close\r\n\r\n")),
      Map.entry("wrong method", i -> request("DELETE /v1/events?i=" + i + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")),
      Map.entry("not HTTP", i -> request("GARBAGE " + i + "\r\n\r\n")),
      Map.entry("bad content length", i -> request("POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: x" + i
          + "\r\nConnection: close\r\n\r\n"))));

  @Test
  void everyJunkRequestGetsA4xxJsonErrorAndNoStackTrace() throws Exception {
    try (ServiceProcess service = ServiceProcess.start(Map.of("REDIS_URL", TestStores.redisUrl(15),
        "CLICKHOUSE_DATABASE", "abuse_junk", "CORS_ORIGINS", "https://news.example", "RATE_LIMIT_PER_MINUTE", "0"))) {
      List<String> names = new ArrayList<>(KINDS.keySet());
      Map<String, AtomicInteger> sent = new ConcurrentHashMap<>();
      Map<String, String> wrong = new ConcurrentHashMap<>();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          int thread = t;
          done.add(pool.submit(() -> {
            Random random = new Random(thread);
            for (int i = thread; i < REQUESTS; i += 4) {
              String kind = names.get(random.nextInt(names.size()));
              sent.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
              check(service.port, kind, KINDS.get(kind).apply(i), wrong);
            }
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      LOG.info("Junk requests sent by kind: {}", new TreeMap<>(sent));
      assertThat(wrong).as("kinds answered other than 4xx JSON").isEmpty();
      assertThat(sent.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(REQUESTS);
      assertThat(sent.keySet()).containsExactlyInAnyOrderElementsOf(names);

      // Still counting afterwards, and nothing in the log worth paging anyone for.
      assertThat(service.post("/v1/events", UA, null, "{\"type\":\"view\",\"article\":\"junk-after\"}").statusCode())
          .isEqualTo(202);
      assertThat(service.get("/health/live").statusCode()).isEqualTo(200);
      String log = service.log();
      assertThat(log).doesNotContain("Exception").doesNotContain(" ERROR ");
    }
  }

  private static void check(int port, String kind, byte[] request, Map<String, String> wrong) {
    try {
      RawHttp.Answer answer = RawHttp.send(port, request);
      boolean json = answer.header("content-type") != null && answer.header("content-type").startsWith("application/json");
      JsonObject body = json ? new JsonObject(answer.body()) : null;
      if (answer.status() < 400 || answer.status() > 499 || body == null
          || body.getString("error") == null || body.getString("message") == null) {
        wrong.putIfAbsent(kind, answer.status() + " " + answer.headers() + " " + shorten(answer.body()));
      }
    } catch (Exception e) {
      wrong.putIfAbsent(kind, e.toString());
    }
  }

  private static byte[] get(String target) {
    return request("GET " + target + " HTTP/1.1\r\nHost: x\r\nUser-Agent: " + UA + "\r\nConnection: close\r\n\r\n");
  }

  private static byte[] post(String contentType, String body) {
    byte[] bytes = RawHttp.bytes(body);
    return request("POST /v1/events HTTP/1.1\r\nHost: x\r\nUser-Agent: " + UA + "\r\nContent-Type: " + contentType
        + "\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n" + body);
  }

  private static byte[] request(String latin1) {
    return RawHttp.bytes(latin1);
  }

  private static String junk(int seed, int length) {
    Random random = new Random(seed);
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      b.append((char) random.nextInt(256));
    }
    return b.toString();
  }

  private static String shorten(String text) {
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }
}
