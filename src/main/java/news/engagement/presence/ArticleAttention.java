package news.engagement.presence;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import news.engagement.counting.Keys;
import news.engagement.history.ClickHouseClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One article's presence for editors ({@link ArticlePresence}), read in one go: readers now and read depth
 * from Redis; engaged seconds of the newest {@link #REDIS_MINUTES} minutes from Redis (every one of them
 * is still there: a flushed minute's hash is deleted only an hour after its minute) and of the older ones
 * from ClickHouse, so nothing is counted twice and the last minutes need no flush. A minute older than
 * that which ClickHouse does not have yet (ClickHouse down) is missing from today and total until flushed.
 */
final class ArticleAttention {
  private static final Logger LOG = LoggerFactory.getLogger(ArticleAttention.class);
  /** The newest minutes read from Redis, the current one included; safely inside the hour Redis keeps them. */
  static final int REDIS_MINUTES = 50;

  private final ReadersNow readers;
  private final Keys keys;
  private final ClickHouseClient clickhouse;
  private final Clock clock;
  private volatile String lastFailure;

  ArticleAttention(ReadersNow readers, Keys keys, ClickHouseClient clickhouse, Clock clock) {
    this.readers = Objects.requireNonNull(readers, "readers");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.clickhouse = Objects.requireNonNull(clickhouse, "clickhouse");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  Future<ArticlePresence> about(String article, Context context) {
    long nowSecond = Math.floorDiv(clock.millis(), 1000L);
    long minute = Math.floorDiv(nowSecond, 60L) * 60;
    long oldestInRedis = minute - 60L * (REDIS_MINUTES - 1);
    long today = Math.floorDiv(nowSecond, 86_400L) * 86_400;

    Future<Long> now = readers.article(article, context);
    List<Future<long[]>> recent = new ArrayList<>(REDIS_MINUTES);
    for (int m = 0; m < REDIS_MINUTES; m++) {
      recent.add(readers.engagedMinute(article, minute - 60L * m, context));
    }
    Future<List<Long>> depth = readers.depth(article, context);
    Future<long[]> older = clickhouse.queryTabSeparated(
            PresenceSchema.engagedBefore(clickhouse.database(), article, today, oldestInRedis))
        .map(rows -> new long[] {Long.parseLong(rows.get(0)[0]), Long.parseLong(rows.get(0)[1])})
        .onSuccess(v -> lastFailure = null)
        .recover(err -> {
          if (!Objects.equals(err.getMessage(), lastFailure)) {
            LOG.warn("Reading engaged time from ClickHouse failed; editors see today and total as null: {}",
                err.getMessage());
            lastFailure = err.getMessage();
          }
          return Future.succeededFuture(null);
        });

    List<Future<?>> all = new ArrayList<>(recent);
    all.add(now);
    all.add(depth);
    all.add(older);
    return Future.all(all).map(done -> {
      long last5 = 0;
      long recentToday = 0;
      long recentAll = 0;
      for (int m = 0; m < REDIS_MINUTES; m++) {
        long seconds = recent.get(m).result()[0];
        last5 += m < ReadersNow.ENGAGED_MINUTES ? seconds : 0;
        recentToday += minute - 60L * m >= today ? seconds : 0;
        recentAll += seconds;
      }
      long[] before = older.result();
      List<Long> d = depth.result();
      return new ArticlePresence(now.result(), last5,
          before == null ? null : before[1] + recentToday,
          before == null ? null : before[0] + recentAll,
          d.get(5), new ArticlePresence.Depth(d.get(0), d.get(1), d.get(2), d.get(3), d.get(4)));
    });
  }
}
