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

  /** Redis URL for a database of its own (0..15): a test class that reads global keys picks one. */
  public static String redisUrl(int database) {
    return redisBase() + "/" + database;
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
    RedisClient client = RedisClient.create();
    try (StatefulRedisConnection<String, String> connection = redis(client, database)) {
      connection.sync().flushdb();
    } finally {
      client.shutdown();
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
