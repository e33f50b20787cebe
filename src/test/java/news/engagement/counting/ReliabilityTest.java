package news.engagement.counting;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import news.engagement.testing.MutableClock;
import news.engagement.testing.RedisProcess;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestStores;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every 202-accepted event is applied exactly once, whatever happens to the Redis connection. */
class ReliabilityTest {
  private static final Logger LOG = LoggerFactory.getLogger(ReliabilityTest.class);
  private static final int DB = 0;

  private static String views(String article, int from, int n) {
    StringBuilder b = new StringBuilder("[");
    for (int i = from; i < from + n; i++) {
      b.append(i == from ? "" : ",").append("{\"type\":\"view\",\"article\":\"").append(article)
          .append("\",\"vid\":\"reliable-").append(i).append("\"}");
    }
    return b.append("]").toString();
  }

  private static int send(RunningService service, String article, int from, int n) {
    var response = service.postEvents(views(article, from, n), RunningService.BROWSER_UA);
    assertThat(response.statusCode()).isEqualTo(202);
    return response.bodyAsJsonObject().getInteger("accepted");
  }

  @Test
  void connectionsKilledMidBatchNeitherLoseNorDoubleCount() throws Exception {
    String a = "killed-" + UUID.randomUUID().toString().substring(0, 8);
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong kills = new AtomicLong();
    RedisClient client = RedisClient.create();
    try (RunningService service = RunningService.start(DB, MutableClock.at("2026-11-24T13:00:00Z"), Map.of());
         StatefulRedisConnection<String, String> admin = TestStores.redis(client, DB)) {
      Thread killer = new Thread(() -> {
        while (running.get()) {
          kills.addAndGet(admin.sync().clientKill(KillArgs.Builder.typeNormal()));
          try {
            Thread.sleep(15);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      killer.start();
      int accepted = 0;
      for (int i = 0; i < 300; i++) {
        accepted += send(service, a, i * 10, 10);
      }
      running.set(false);
      killer.join();
      assertThat(accepted).isEqualTo(3000);
      long failures = (long) service.registry.get("engagement.redis.batch.failures").counter().count();
      LOG.info("Killed {} Redis connections during traffic; {} batch applications failed and were retried", kills.get(), failures);
      assertThat(kills.get()).isPositive();
      assertThat(service.article(a).getLong("views")).isEqualTo(3000);
    } finally {
      client.shutdown();
    }
  }

  @Test
  void eventsAcceptedWhileRedisIsDownAreAppliedWhenItIsBack() throws Exception {
    String a = "outage-" + UUID.randomUUID().toString().substring(0, 8);
    try (RunningService service = RunningService.start(DB, MutableClock.at("2026-11-24T13:10:00Z"), Map.of())) {
      int accepted = send(service, a, 0, 50);
      service.awaitApplied();
      RedisProcess.stop();
      try {
        for (int i = 1; i <= 20; i++) {
          accepted += send(service, a, i * 50, 50);
        }
        Thread.sleep(3_000); // the batcher keeps retrying while Redis is away
        assertThat(service.service.batcher().pending()).isEqualTo(1000);
      } finally {
        RedisProcess.start();
      }
      assertThat(accepted).isEqualTo(1050);
      assertThat(service.article(a).getLong("views")).isEqualTo(1050);
    }
  }

  @Test
  void aBacklogPackedWhileRedisIsDownCountsExactlyWhenItIsBack() throws Exception {
    String a = "packed-" + UUID.randomUUID().toString().substring(0, 8);
    // Batches of 20: past 40 waiting events a shard's backlog is packed (counting/Backlog).
    try (RunningService service = RunningService.start(DB, MutableClock.at("2026-11-24T13:20:00Z"),
        Map.of("MAX_BATCH_EVENTS", "20"))) {
      RedisProcess.stop();
      int accepted = 0;
      try {
        for (int i = 0; i < 20; i++) {
          StringBuilder b = new StringBuilder("[");
          for (int j = 0; j < 25; j++) {
            int n = i * 25 + j;
            String vid = "\",\"vid\":\"packed-" + n + "\"";
            b.append(j == 0 ? "" : ",").append("{\"type\":\"view\",\"article\":\"").append(a).append(vid).append('}');
            if (n % 5 == 0) {
              b.append(",{\"type\":\"like\",\"article\":\"").append(a).append(vid).append('}');
            }
            if (n % 10 == 0) {
              b.append(",{\"type\":\"share\",\"article\":\"").append(a).append(vid)
                  .append(",\"network\":\"").append(n % 20 == 0 ? "telegram" : "whatsapp").append("\"}");
            }
          }
          var response = service.postEvents(b.append(']').toString(), RunningService.BROWSER_UA);
          assertThat(response.statusCode()).isEqualTo(202);
          accepted += response.bodyAsJsonObject().getInteger("accepted");
        }
        Thread.sleep(1_000);
        assertThat(service.service.batcher().pending()).isEqualTo(500 + 100 + 50);
        assertThat(service.service.batcher().packedEvents()).isGreaterThan(500);
      } finally {
        RedisProcess.start();
      }
      assertThat(accepted).isEqualTo(650);
      service.awaitApplied();
      var counts = service.article(a);
      assertThat(counts.getLong("views")).isEqualTo(500);
      assertThat(counts.getLong("likes")).isEqualTo(100);
      assertThat(counts.getJsonObject("shares").getLong("total")).isEqualTo(50);
      assertThat(counts.getJsonObject("shares").getLong("telegram")).isEqualTo(25);
    }
  }
}
