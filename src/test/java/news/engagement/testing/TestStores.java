package news.engagement.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import news.engagement.history.ClickHouseClient;
import news.engagement.history.ClickHouseLayout;

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

  /**
   * Whether this run of the suite keeps history on the local two-shard ClickHouse cluster (shard 1 a replicated pair)
   * ({@code TEST_CLICKHOUSE_MODE=cluster}): then {@link #clickhouseUrl()} is the cluster's first node and
   * every service under test gets {@code CLICKHOUSE_CLUSTER}.
   */
  public static boolean clickhouseCluster() {
    return "cluster".equals(System.getenv("TEST_CLICKHOUSE_MODE"));
  }

  /** The ClickHouse the tests of this run use: the single server, or the first node of the cluster. */
  public static String clickhouseUrl() {
    return clickhouseCluster() ? clickhouseClusterUrls().get(0) : required("TEST_CLICKHOUSE_URL");
  }

  /** CLICKHOUSE_CLUSTER for this run's services: the cluster's name in cluster mode, else empty. */
  public static Optional<String> clickhouseClusterName() {
    return clickhouseCluster() ? Optional.of(required("TEST_CLICKHOUSE_CLUSTER")) : Optional.empty();
  }

  /**
   * The HTTP URLs of the local cluster's nodes (started by scripts/test.sh in every run), node 1 first:
   * node 1 is shard 1's first replica (the entry node of cluster mode), node 2 shard 2 (one replica),
   * node 3 shard 1's second replica.
   */
  public static List<String> clickhouseClusterUrls() {
    return List.of(required("TEST_CLICKHOUSE_CLUSTER_URLS").split(","));
  }

  /** The service's variables for this run's ClickHouse: CLICKHOUSE_URL, and CLICKHOUSE_CLUSTER in cluster mode. */
  public static Map<String, String> clickhouseEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("CLICKHOUSE_URL", clickhouseUrl());
    clickhouseClusterName().ifPresent(name -> env.put("CLICKHOUSE_CLUSTER", name));
    return env;
  }

  /** A client of this run's ClickHouse for {@code database}, in its layout; close it after use. */
  public static ClickHouseClient clickhouse(Vertx vertx, String database) {
    return new ClickHouseClient(vertx, clickhouseUrl(), database, "default", "", Duration.ofSeconds(30),
        clickhouseClusterName());
  }

  /** The statement that drops a test database everywhere this run's ClickHouse keeps it (every node of a cluster). */
  public static String dropDatabase(String database) {
    return "DROP DATABASE IF EXISTS " + database + clickhouseClusterName().map(name -> " ON CLUSTER " + name).orElse("");
  }

  /** This run's layout with replicas as the local cluster has them, for tests that create tables themselves. */
  public static ClickHouseLayout clickhouseLayout() {
    return clickhouseClusterName().map(name -> ClickHouseLayout.cluster(name, true)).orElse(ClickHouseLayout.single());
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
