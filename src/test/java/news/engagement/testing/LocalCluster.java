package news.engagement.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The local Redis Cluster that scripts/stores.sh starts for the suite (3 masters, 3 replicas): its URL,
 * its nodes' roles, and the faults the cluster tests cause (manual fail-over, a master killed, a slot
 * migrated). Talks to each node with plain {@code redis-cli}-like commands through its own connection.
 */
public final class LocalCluster implements AutoCloseable {
  public static final int NODES = 6;
  private final RedisClient client = RedisClient.create();
  private final int firstPort;

  public LocalCluster() {
    String seeds = url().substring("redis-cluster://".length()).split(",")[0];
    this.firstPort = URI.create("redis://" + seeds).getPort();
  }

  public static String url() {
    String url = System.getenv("TEST_REDIS_CLUSTER_URL");
    if (url == null || url.isBlank()) {
      throw new IllegalStateException("TEST_REDIS_CLUSTER_URL is not set: run the tests with scripts/test.sh");
    }
    return url;
  }

  /** The seed nodes of the cluster URL. */
  public static List<RedisURI> seedUris() {
    return java.util.Arrays.stream(url().substring("redis-cluster://".length()).split(","))
        .map(hostPort -> RedisURI.create("redis://" + hostPort)).toList();
  }

  public List<Integer> ports() {
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      ports.add(firstPort + i);
    }
    return ports;
  }

  /** Runs commands against one node; the connection is closed afterwards. */
  public <T> T on(int port, java.util.function.Function<RedisCommands<String, String>, T> work) {
    try (StatefulRedisConnection<String, String> c = client.connect(RedisURI.create("redis://127.0.0.1:" + port))) {
      return work.apply(c.sync());
    }
  }

  public boolean answers(int port) {
    try {
      return "PONG".equals(on(port, RedisCommands::ping));
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The port of the master that serves a slot now, as a live node sees it. */
  public int masterOf(int slot) {
    for (int port : ports()) {
      if (!answers(port)) {
        continue;
      }
      for (String line : on(port, RedisCommands::clusterNodes).split("\n")) {
        String[] f = line.split(" ");
        if (f.length > 8 && f[2].contains("master") && !f[2].contains("fail")) {
          for (int i = 8; i < f.length; i++) {
            if (covers(f[i], slot)) {
              return URI.create("redis://" + f[1].split("@")[0]).getPort();
            }
          }
        }
      }
      break;
    }
    throw new AssertionError("no master serves slot " + slot);
  }

  private static boolean covers(String range, int slot) {
    if (range.startsWith("[")) {
      return false; // a slot being migrated
    }
    String[] ends = range.split("-");
    int from = Integer.parseInt(ends[0]);
    int to = ends.length > 1 ? Integer.parseInt(ends[1]) : from;
    return slot >= from && slot <= to;
  }

  /** The node id of the node on a port. */
  public String nodeId(int port) {
    return on(port, RedisCommands::clusterMyId);
  }

  /** The port of a live replica of the master on {@code masterPort}. */
  public int replicaOf(int masterPort) {
    String master = nodeId(masterPort);
    for (int port : ports()) {
      if (port != masterPort && answers(port)) {
        String role = on(port, r -> r.info("replication"));
        if (role.contains("role:slave") && nodeId(port) != null && on(port, RedisCommands::clusterNodes)
            .lines().anyMatch(l -> l.contains("myself") && l.contains(master))) {
          return port;
        }
      }
    }
    throw new AssertionError("no live replica of " + masterPort);
  }

  /** A manual fail-over: the replica of the master on {@code masterPort} takes over without losing writes. */
  public int failOver(int masterPort) {
    int replica = replicaOf(masterPort);
    on(replica, r -> r.clusterFailover(false));
    await("replica " + replica + " promoted", () -> isMaster(replica) && !isMaster(masterPort));
    return replica;
  }

  public boolean isMaster(int port) {
    return answers(port) && on(port, r -> r.info("replication")).contains("role:master");
  }

  /** SIGKILL of a node; the cluster promotes its replica after the node timeout. */
  public void kill(int port) throws IOException, InterruptedException {
    Path pidFile = dir(port).resolve("redis.pid");
    String pid = java.nio.file.Files.readString(pidFile).trim();
    new ProcessBuilder("kill", "-9", pid).start().waitFor();
    await("node " + port + " gone", () -> !answers(port));
  }

  /** Starts a killed node again with its own data; it rejoins the cluster (as a replica of whoever took over). */
  public void restart(int port) throws IOException, InterruptedException {
    Path dir = dir(port);
    Process p = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--dir", dir.toString(), "--daemonize", "yes", "--pidfile", dir.resolve("redis.pid").toString(),
        "--logfile", dir.resolve("redis.log").toString(), "--cluster-enabled", "yes",
        "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000", "--save", "",
        "--appendonly", "yes", "--appendfsync", "everysec").redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    p.waitFor();
    await("node " + port + " back", () -> answers(port) && on(port, RedisCommands::clusterInfo)
        .contains("cluster_state:ok"));
  }

  /**
   * Moves one slot, with its keys, from its master to another master while clients keep writing, the way
   * {@code redis-cli --cluster reshard} does it: IMPORTING/MIGRATING, MIGRATE the keys in batches, then
   * hand the slot over on every master.
   */
  public int migrate(int slot) {
    int source = masterOf(slot);
    int target = ports().stream().filter(p -> p != source && isMaster(p)).findFirst().orElseThrow();
    String sourceId = nodeId(source);
    String targetId = nodeId(target);
    on(target, r -> r.clusterSetSlotImporting(slot, sourceId));
    on(source, r -> r.clusterSetSlotMigrating(slot, targetId));
    while (true) {
      List<String> keys = on(source, r -> r.clusterGetKeysInSlot(slot, 200));
      if (keys.isEmpty()) {
        break;
      }
      on(source, r -> r.migrate("127.0.0.1", target, 0, 10_000,
          io.lettuce.core.MigrateArgs.Builder.keys(keys).replace()));
    }
    for (int port : ports()) {
      if (isMaster(port)) {
        on(port, r -> r.clusterSetSlotNode(slot, targetId));
      }
    }
    return target;
  }

  private Path dir(int port) {
    return Path.of(TestStores.storesDir(), "cluster", Integer.toString(port));
  }

  public static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 30 s: " + what);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  @Override
  public void close() {
    client.shutdown();
  }
}
