package news.engagement.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.Objects;

/**
 * Runs a one-slot script on the master of its slot and then, on the same connection, {@code WAIT}s until
 * one replica has everything written so far, so a batch counts as applied only once a fail-over cannot
 * lose it. A batch the replica does not confirm in time fails with {@code NOREPLICAS} (a transient error:
 * the batcher re-sends it; the shard's watermark makes that a no-op on a master that has it, and a
 * promoted replica without it applies it once). A master with no live replica (its replica was just
 * promoted, the old master is still away) is not waited for: that shard runs unreplicated until a replica
 * is back, which the topology refresh shows. {@code REDIS_WAIT_REPLICAS=0} turns the wait off (faster,
 * and a master's crash may then lose its last unreplicated batches).
 *
 * <p>{@code MOVED} and {@code ASK} (resharding, fail-over) and lost connections fail the call and ask
 * for a topology refresh; the batcher retries with backoff, so a shard pauses, never loses or doubles.
 */
class ClusterScripts {
  static final long WAIT_MILLIS = 1_000;

  private final RedisClusterClient client;
  private final StatefulRedisClusterConnection<String, String> connection;
  private final int waitReplicas;

  ClusterScripts(RedisClusterClient client, StatefulRedisClusterConnection<String, String> connection,
      int waitReplicas) {
    this.client = Objects.requireNonNull(client, "client");
    this.connection = Objects.requireNonNull(connection, "connection");
    this.waitReplicas = waitReplicas;
  }

  public <T> Future<T> run(LuaScript script, ScriptOutputType type, String[] keys, String[] args, Context context) {
    int slot = SlotHash.getSlot(keys[0]);
    RedisClusterNode master = connection.getPartitions().getMasterBySlot(slot);
    if (master == null) {
      refresh();
      return Future.failedFuture(new RedisCommandExecutionException("CLUSTERDOWN no master known for slot " + slot));
    }
    boolean replicated = waitReplicas > 0 && hasLiveReplica(master);
    return Future.fromCompletionStage(connection.getConnectionAsync(master.getNodeId()), context)
        .compose(node -> script.<T>run(node.async(), type, keys, args, context)
            .compose(result -> replicated ? awaitReplica(node, context).map(result) : Future.succeededFuture(result)))
        .onFailure(err -> {
          String message = String.valueOf(err.getMessage());
          if (!(err instanceof RedisCommandExecutionException) || message.startsWith("MOVED")
              || message.startsWith("ASK") || message.startsWith("CLUSTERDOWN") || message.startsWith("READONLY")) {
            refresh();
          }
        });
  }

  private Future<Void> awaitReplica(StatefulRedisConnection<String, String> node, Context context) {
    return Future.fromCompletionStage(node.async().waitForReplication(1, WAIT_MILLIS), context)
        .compose(n -> n >= 1 ? Future.<Void>succeededFuture() : Future.failedFuture(
            new RedisCommandExecutionException("NOREPLICAS no replica confirmed the batch within " + WAIT_MILLIS + " ms")));
  }

  /** The masters in the last topology seen (at least 1). */
  public int servers() {
    int masters = 0;
    for (RedisClusterNode node : connection.getPartitions()) {
      if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
        masters++;
      }
    }
    return Math.max(1, masters);
  }

  private boolean hasLiveReplica(RedisClusterNode master) {
    for (RedisClusterNode node : connection.getPartitions()) {
      if (master.getNodeId().equals(node.getSlaveOf()) && node.isConnected()
          && !node.getFlags().contains(NodeFlag.FAIL) && !node.getFlags().contains(NodeFlag.EVENTUAL_FAIL)) {
        return true;
      }
    }
    return false;
  }

  private void refresh() {
    client.refreshPartitionsAsync();
  }
}
