package news.engagement.history;

import java.util.List;

/**
 * Where the service's tables live: one server (today's layout, {@code CLICKHOUSE_CLUSTER} unset) or a
 * cluster. One description of each table, two layouts: on one server a table is created as described;
 * on a cluster the same description becomes a local table {@code <name>_local} on every node ({@code ON
 * CLUSTER}, replicated with the {@code {shard}}/{@code {replica}} macros when the nodes define them) and a
 * {@code Distributed} table under the table's own name, sharded by {@code cityHash64} of the table's
 * sharding column. Readers and writers always use the table's own name, so every query of the service,
 * the dashboards and the views is the same text on both layouts. Rows of one key (article, minute, ...)
 * land on one shard, so each shard's {@code FINAL} collapses all versions of a row and sums stay exact.
 *
 * <p>{@code ON CLUSTER} runs through ClickHouse's distributed DDL queue, which needs ZooKeeper on the
 * cluster's nodes; the replicated engine needs it too. Both work with ClickHouse 18.16 and current releases.
 */
public final class ClickHouseLayout {
  /** The suffix of a table's local part on each node of a cluster. */
  public static final String LOCAL_SUFFIX = "_local";
  /** Asks a node whether it defines both macros a replicated table's path and replica name need. */
  static final String REPLICA_MACROS =
      "SELECT count() FROM system.macros WHERE macro IN ('shard', 'replica') FORMAT TabSeparated";

  private static final ClickHouseLayout SINGLE = new ClickHouseLayout(null, false);

  private final String cluster;
  private final boolean replicated;

  private ClickHouseLayout(String cluster, boolean replicated) {
    this.cluster = cluster;
    this.replicated = replicated;
  }

  /** One server: tables created as described, no Distributed tables. */
  public static ClickHouseLayout single() {
    return SINGLE;
  }

  /** The cluster {@code name} of the nodes' {@code remote_servers}; replicated local tables when asked. */
  public static ClickHouseLayout cluster(String name, boolean replicated) {
    return new ClickHouseLayout(Schema.identifier(name), replicated);
  }

  public boolean clustered() {
    return cluster != null;
  }

  public boolean replicated() {
    return replicated;
  }

  public String createDatabase(String database) {
    return "CREATE DATABASE IF NOT EXISTS " + Schema.identifier(database) + onCluster();
  }

  /**
   * The statements creating {@code table} as a {@code ReplacingMergeTree(version)} with these columns,
   * partition and order: one statement on one server; on a cluster the local table on every node, then
   * the Distributed table named {@code table}, sharded by {@code cityHash64(shardBy)}. All idempotent.
   */
  public List<String> createReplacingTable(String database, String table, String columns, String version,
      String partitionBy, String orderBy, String shardBy) {
    String db = Schema.identifier(database);
    String name = Schema.identifier(table);
    String body = " (" + columns + ") ENGINE = " + engine(db, name, version)
        + " PARTITION BY " + partitionBy + " ORDER BY " + orderBy;
    if (cluster == null) {
      return List.of("CREATE TABLE IF NOT EXISTS " + db + "." + name + body);
    }
    String local = name + LOCAL_SUFFIX;
    return List.of(
        "CREATE TABLE IF NOT EXISTS " + db + "." + local + onCluster() + body,
        "CREATE TABLE IF NOT EXISTS " + db + "." + name + onCluster() + " AS " + db + "." + local
            + " ENGINE = Distributed(" + cluster + ", " + db + ", " + local + ", cityHash64(" + shardBy + "))");
  }

  /** A view over the tables' own names (Distributed on a cluster), on every node of a cluster. */
  public String createView(String database, String view, String select) {
    return "CREATE VIEW IF NOT EXISTS " + Schema.identifier(database) + "." + Schema.identifier(view) + onCluster()
        + " AS " + select;
  }

  /**
   * A materialized view that copies every insert into {@code source} into {@code target} (same columns):
   * on one server between the two tables; on a cluster on every node, between the local tables, so
   * each shard copies its own rows.
   */
  public String createCopyView(String database, String view, String source, String target, String columns) {
    String db = Schema.identifier(database);
    String suffix = cluster == null ? "" : LOCAL_SUFFIX;
    return "CREATE MATERIALIZED VIEW IF NOT EXISTS " + db + "." + Schema.identifier(view) + onCluster() + " TO " + db
        + "." + Schema.identifier(target) + suffix + " AS SELECT " + columns + " FROM " + db + "."
        + Schema.identifier(source) + suffix;
  }

  /** Drops one partition of a table (its local table on every node of a cluster); nothing when it has none. */
  public String dropPartition(String database, String table, String partition) {
    String suffix = cluster == null ? "" : LOCAL_SUFFIX;
    return "ALTER TABLE " + Schema.identifier(database) + "." + Schema.identifier(table) + suffix + onCluster()
        + " DROP PARTITION " + partition;
  }

  /**
   * Replaces an existing view by one over {@code select} with no moment in which its name is missing (a
   * DROP then CREATE leaves one, and a reader such as a dashboard panel gets code 60 in it): the new view
   * is created as {@code <view>_next}, one RENAME swaps the two names (ClickHouse renames every pair of
   * one RENAME under one lock, so a reader finds the old view or the new one), and the old one, now
   * {@code <view>_old}, is dropped. Leftovers of a swap that stopped half-way are dropped first. Two
   * instances swapping at once: one RENAME fails on the names the other moved, and its caller tries
   * again later (by then the view is the new one).
   */
  public List<String> replaceView(String database, String view, String select) {
    String db = Schema.identifier(database);
    String next = view + "_next";
    String old = view + "_old";
    return List.of(dropView(database, next), dropView(database, old), createView(database, next, select),
        "RENAME TABLE " + db + "." + Schema.identifier(view) + " TO " + db + "." + Schema.identifier(old) + ", "
            + db + "." + Schema.identifier(next) + " TO " + db + "." + Schema.identifier(view) + onCluster(),
        dropView(database, old));
  }

  /** Drops a view (on every node of a cluster); nothing when it does not exist. */
  public String dropView(String database, String view) {
    return "DROP TABLE IF EXISTS " + Schema.identifier(database) + "." + Schema.identifier(view) + onCluster();
  }

  /**
   * The engine a table's name must have in this layout ({@code system.tables.engine}): on a cluster the
   * service's own name is the Distributed one; a MergeTree there means a one-server layout the service
   * would otherwise silently write into on one node only.
   */
  String engineCheck(String database, String table) {
    return "SELECT engine FROM system.tables WHERE database = " + Schema.quote(database) + " AND name = "
        + Schema.quote(table) + " FORMAT TabSeparated";
  }

  /** Whether {@code engine} (from {@link #engineCheck}) is what this layout expects of a table's name. */
  boolean expectedEngine(String engine) {
    return clustered() == "Distributed".equals(engine);
  }

  private String engine(String db, String table, String version) {
    if (replicated) {
      // One ZooKeeper path per shard and table; every replica of a shard names itself with {replica}.
      return "ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/" + db + "/" + table + LOCAL_SUFFIX
          + "', '{replica}', " + version + ")";
    }
    return "ReplacingMergeTree(" + version + ")";
  }

  private String onCluster() {
    return cluster == null ? "" : " ON CLUSTER " + cluster;
  }

  @Override
  public String toString() {
    return cluster == null ? "one server" : "cluster " + cluster + (replicated ? " (replicated)" : "");
  }
}
