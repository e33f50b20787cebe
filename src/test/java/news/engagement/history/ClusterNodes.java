package news.engagement.history;

import static news.engagement.testing.RunningService.await;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import news.engagement.metrics.EngagementMetrics;
import news.engagement.testing.RunningService;
import news.engagement.testing.TestStores;

/**
 * Clients of the local ClickHouse cluster's nodes, one by one, for the cluster tests that look at each
 * node's own tables (node 1 and 3: shard 1's replicas, node 2: shard 2; see
 * {@link TestStores#clickhouseClusterUrls()}). Test threads only; close it after use.
 */
final class ClusterNodes implements AutoCloseable {
  static final int SHARD_1 = 1;
  static final int SHARD_2 = 2;
  static final int SHARD_1_SECOND_REPLICA = 3;

  private final Vertx vertx;
  private final String database;
  private final Map<Integer, ClickHouseClient> local = new HashMap<>();
  private final Map<Integer, ClickHouseClient> distributed = new HashMap<>();

  ClusterNodes(Vertx vertx, String database) {
    this.vertx = vertx;
    this.database = database;
  }

  static String cluster() {
    String name = System.getenv("TEST_CLICKHOUSE_CLUSTER");
    if (name == null || name.isBlank()) {
      throw new IllegalStateException("TEST_CLICKHOUSE_CLUSTER is not set: run the tests with scripts/test.sh");
    }
    return name;
  }

  static String url(int node) {
    return TestStores.clickhouseClusterUrls().get(node - 1);
  }

  /** A client of node {@code node} alone, for its own (local) tables. */
  ClickHouseClient node(int node) {
    return local.computeIfAbsent(node, n -> new ClickHouseClient(vertx, url(n), database, "default", ""));
  }

  /** A client of the cluster entering at node {@code node}: the tables' own names are the Distributed ones. */
  ClickHouseClient through(int node) {
    return distributed.computeIfAbsent(node, n -> new ClickHouseClient(vertx, url(n), database, "default", "",
        Duration.ofSeconds(30), Optional.of(cluster())));
  }

  /** Rows of these articles in node {@code node}'s local table, before FINAL. */
  long rows(int node, List<String> articles) {
    return Long.parseLong(await(node(node).queryTabSeparated("SELECT count() FROM " + local(Schema.ROWS_TABLE)
        + " WHERE article_id IN (" + quoted(articles) + ") FORMAT TabSeparated")).get(0)[0]);
  }

  /** Every row of node {@code node}'s local part of {@code table} after FINAL, ordered by {@code orderBy}, as text. */
  List<String> finalRows(int node, String table, String orderBy) {
    List<String> rows = new ArrayList<>();
    for (String[] row : await(node(node).queryTabSeparated("SELECT * FROM " + local(table)
        + " FINAL ORDER BY " + orderBy + " FORMAT TabSeparated"))) {
      rows.add(String.join("\t", row));
    }
    return rows;
  }

  /** [views, likes, shares, previews] of an article in node {@code node}'s local table, after FINAL. */
  List<Long> localSums(int node, String article) {
    String[] row = await(node(node).queryTabSeparated("SELECT sum(views), sum(likes), sum(shares), sum(previews) FROM "
        + local(Schema.ROWS_TABLE) + " FINAL WHERE article_id = " + Schema.quote(article) + " FORMAT TabSeparated")).get(0);
    return List.of(Long.parseLong(row[0]), Long.parseLong(row[1]), Long.parseLong(row[2]), Long.parseLong(row[3]));
  }

  /**
   * The replication state of node {@code node}'s replicated tables in the database: per table
   * {@code [table, is_readonly, queue_size, active_replicas, total_replicas]}.
   */
  List<String[]> replicas(int node) {
    return await(node(node).queryTabSeparated("SELECT table, is_readonly, queue_size, active_replicas, total_replicas"
        + " FROM system.replicas WHERE database = " + Schema.quote(database) + " ORDER BY table FORMAT TabSeparated"));
  }

  /** True when every replicated table of node {@code node} is writable, has an empty queue and all replicas active. */
  boolean replicationSettled(int node) {
    List<String[]> tables = replicas(node);
    return !tables.isEmpty() && tables.stream().allMatch(t -> "0".equals(t[1]) && "0".equals(t[2]) && t[3].equals(t[4]));
  }

  /** The service's lag gauge (age of the oldest change not yet in ClickHouse), seconds. */
  static double lag(RunningService service) {
    return service.registry.get(EngagementMetrics.CLICKHOUSE_LAG).gauge().value();
  }

  private String local(String table) {
    return database + "." + table + ClickHouseLayout.LOCAL_SUFFIX;
  }

  private static String quoted(List<String> articles) {
    return String.join(",", articles.stream().map(Schema::quote).toList());
  }

  @Override
  public void close() {
    local.values().forEach(ClickHouseClient::close);
    distributed.values().forEach(ClickHouseClient::close);
  }
}
