package news.engagement.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

/**
 * The real Redis and ClickHouse that {@code scripts/test.sh} starts for the suite. Tests fail loudly,
 * never skip, when the stores are missing: run the suite through the script.
 */
public final class TestStores {
  /** The VISITOR_SECRET every test service gets (a fixed test value: 64 hex characters). */
  public static final String VISITOR_SECRET = "7e57".repeat(16);

  private TestStores() {
  }

  /** Whether this run of the suite counts on the local Redis Cluster ({@code TEST_REDIS_MODE=cluster}). */
  public static boolean cluster() {
    return "cluster".equals(System.getenv("TEST_REDIS_MODE"));
  }

  /**
   * Redis URL for a database of its own (0..15): a test class that reads global keys picks one. On the
   * cluster (one database only) every class gets the cluster; {@link RunningService} empties it when
   * the database number changes, so classes still see only their own data.
   */
  public static String redisUrl(int database) {
    return cluster() ? LocalCluster.url() : redisBase() + "/" + database;
  }

  /** A connection of the test's own, to the database or the cluster the service under test uses. */
  public static TestRedis connect(int database) {
    return TestRedis.connect(database);
  }

  public static String redisBase() {
    return required("TEST_REDIS_URL");
  }

  public static String clickhouseUrl() {
    return required("TEST_CLICKHOUSE_URL");
  }

  /** Where the test script keeps the stores' data and pid files (for tests that stop and restart one). */
  public static String storesDir() {
    return required("TEST_STORES_DIR");
  }

  /** A plain connection for assertions; close it after use. */
  public static StatefulRedisConnection<String, String> redis(RedisClient client, int database) {
    return client.connect(io.lettuce.core.RedisURI.create(redisUrl(database)));
  }

  /** Empties a database for a test class that owns it and reads global lists (top lists) from it. */
  public static void flush(int database) {
    try (TestRedis redis = connect(database)) {
      redis.sync().flushdb();
    }
  }

  private static String required(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(name + " is not set: run the tests with scripts/test.sh, which starts "
          + "a private Redis and ClickHouse and sets it");
    }
    return value;
  }
}
