package news.engagement.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;

/**
 * A test's own connection to the suite's Redis, the way the service under test sees it: a database of
 * the single server, or the whole local cluster when the suite runs with {@code TEST_REDIS_MODE=cluster}
 * (then multi-node commands such as FLUSHDB, KEYS and SCAN cover every master).
 */
public final class TestRedis implements AutoCloseable {
  private final AutoCloseable connection;
  private final Runnable shutdown;
  private final RedisClusterCommands<String, String> sync;
  private final RedisClusterAsyncCommands<String, String> async;

  private TestRedis(AutoCloseable connection, Runnable shutdown, RedisClusterCommands<String, String> sync,
      RedisClusterAsyncCommands<String, String> async) {
    this.connection = connection;
    this.shutdown = shutdown;
    this.sync = sync;
    this.async = async;
  }

  static TestRedis connect(int database) {
    if (TestStores.cluster()) {
      RedisClusterClient client = RedisClusterClient.create(LocalCluster.seedUris());
      StatefulRedisClusterConnection<String, String> c = client.connect();
      return new TestRedis(c, client::shutdown, c.sync(), c.async());
    }
    RedisClient client = RedisClient.create();
    StatefulRedisConnection<String, String> c = client.connect(RedisURI.create(TestStores.redisUrl(database)));
    return new TestRedis(c, client::shutdown, c.sync(), c.async());
  }

  public RedisClusterCommands<String, String> sync() {
    return sync;
  }

  public RedisClusterAsyncCommands<String, String> async() {
    return async;
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    shutdown.run();
  }
}
