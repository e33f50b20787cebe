package news.engagement.counting;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import news.engagement.testing.MutableClock;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestRedis;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.Test;

/**
 * A batch that Redis refuses deterministically (here: a foreign value of the wrong type at one article's
 * totals key) does not stop counting: the article's neighbours in the batch count, the refused part is
 * set aside and counted in a metric, and later batches go on.
 */
class QuarantineTest {
  private static final int DB = 0;

  @Test
  void aPoisonedArticleIsSetAsideAndEverythingElseCounts() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String poisoned = "poisoned-" + run;
    try (RunningService service = RunningService.start(DB, MutableClock.at("2026-11-24T15:00:00Z"),
            Map.of("REDIS_SHARDS", "1"));   // one shard: every article of the request shares the batch
         TestRedis admin = TestStores.connect(DB)) {
      Keys keys = service.service.keys();
      admin.sync().set(keys.counts(poisoned), "written by someone else");

      StringBuilder body = new StringBuilder("[");
      for (int i = 0; i < 30; i++) {
        body.append("{\"type\":\"view\",\"article\":\"good-").append(run).append('-').append(i % 3)
            .append("\",\"vid\":\"visitor-").append(i).append("\"},");
      }
      body.append("{\"type\":\"view\",\"article\":\"").append(poisoned).append("\",\"vid\":\"visitor-x\"}]");
      assertThat(service.postEvents(body.toString(), RunningService.BROWSER_UA).statusCode()).isEqualTo(202);
      service.awaitApplied();

      for (int i = 0; i < 3; i++) {
        assertThat(service.article("good-" + run + "-" + i).getLong("views")).isEqualTo(10);
      }
      assertThat(service.registry.get("engagement.events.quarantined").counter().count()).isEqualTo(1.0);
      assertThat(service.service.batcher().quarantined()).hasSize(1);
      assertThat(service.service.batcher().quarantined().get(0)).allMatch(e -> e.article().equals(poisoned));
      assertThat(admin.sync().get(keys.counts(poisoned))).isEqualTo("written by someone else");

      // Counting goes on afterwards.
      service.postEvents("{\"type\":\"view\",\"article\":\"good-" + run + "-0\",\"vid\":\"visitor-late\"}",
          RunningService.BROWSER_UA);
      assertThat(service.article("good-" + run + "-0").getLong("views")).isEqualTo(11);
    }
  }
}
