package news.engagement.ingest;

import news.engagement.testing.TestRedis;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import java.util.UUID;
import news.engagement.counting.Keys;
import news.engagement.testing.MutableClock;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.Test;

/** The per-client rate limit (429) and the bounded buffer (503): refusals, and nothing accepted lost. */
class LimitsTest {
  private static final int DB = 15;

  private int nextVisitor;

  /** {@code n} views of the article, each by a visitor not seen before. */
  private String views(String article, int n) {
    StringBuilder b = new StringBuilder("[");
    for (int k = 0; k < n; k++) {
      int i = nextVisitor++;
      b.append(k == 0 ? "" : ",").append("{\"type\":\"view\",\"article\":\"").append(article)
          .append("\",\"vid\":\"limits-visitor-").append(i).append("\"}");
    }
    return b.append("]").toString();
  }

  @Test
  void aClientOverItsRateGets429AndTheRestOfItsBatchIsRejected() {
    MutableClock clock = MutableClock.at("2026-11-24T12:00:10Z");
    try (RunningService service = RunningService.start(DB, clock, Map.of("RATE_LIMIT_PER_MINUTE", "5"))) {
      String a = "limits-" + UUID.randomUUID().toString().substring(0, 8);
      HttpResponse<Buffer> first = service.postEvents(views(a, 3), RunningService.BROWSER_UA);
      assertThat(first.bodyAsJsonObject().getInteger("accepted")).isEqualTo(3);
      HttpResponse<Buffer> second = service.postEvents(views(a, 4), RunningService.BROWSER_UA);
      assertThat(second.statusCode()).isEqualTo(202);
      assertThat(second.bodyAsJsonObject().getInteger("accepted")).isEqualTo(2);
      assertThat(second.bodyAsJsonObject().getJsonArray("rejected").getJsonObject(0).getString("error"))
          .isEqualTo("rate_limited");
      HttpResponse<Buffer> third = service.postEvents(views(a, 1), RunningService.BROWSER_UA);
      assertThat(third.statusCode()).isEqualTo(429);
      assertThat(third.getHeader("Retry-After")).isEqualTo("50");
      assertThat(third.bodyAsJsonObject().getString("error")).isEqualTo("rate_limited");

      clock.advance(java.time.Duration.ofMinutes(1));
      assertThat(service.postEvents(views(a, 1), RunningService.BROWSER_UA).statusCode()).isEqualTo(202);
      assertThat(service.article(a).getLong("views")).isEqualTo(6); // 3 + 2 granted, then 1 next minute
    }
  }

  @Test
  void aFullBufferAnswers503AndLosesNothingItAccepted() {
    String a = "overload-" + UUID.randomUUID().toString().substring(0, 8);
    // Batches go only when full (1000) or after an hour: the buffer of 3 fills up at once.
    RunningService service = RunningService.start(DB, MutableClock.at("2026-11-24T12:00:10Z"),
        Map.of("MAX_PENDING_EVENTS", "3", "BATCH_INTERVAL", "1h", "MAX_BATCH_EVENTS", "1000"));
    try {
      HttpResponse<Buffer> partly = service.postEvents(views(a, 5), RunningService.BROWSER_UA);
      assertThat(partly.statusCode()).isEqualTo(202);
      assertThat(partly.bodyAsJsonObject().getInteger("accepted")).isEqualTo(3);
      assertThat(partly.bodyAsJsonObject().getJsonArray("rejected").getJsonObject(0).getString("error"))
          .isEqualTo("overload");
      HttpResponse<Buffer> full = service.postEvents(views(a, 1), RunningService.BROWSER_UA);
      assertThat(full.statusCode()).isEqualTo(503);
      assertThat(full.getHeader("Retry-After")).isEqualTo("1");
    } finally {
      service.close(); // stopping drains the buffer into Redis
    }
    try (TestRedis redis = TestStores.connect(DB)) {
      assertThat(redis.sync().hget(new Keys(Keys.DEFAULT_SHARDS).counts(a), "views")).isEqualTo("3");
    }
  }
}
