package news.engagement.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the service reaches Redis: one server (also through Sentinel, {@code redis://}, {@code rediss://},
 * {@code redis-sentinel://}) or a Redis Cluster ({@code redis-cluster://host:port,host:port,...}), so that
 * counting and queries never ask which one they have. Both give the same commands ({@link #commands()},
 * routed by slot in a cluster) and the same way to run a one-slot script on its master
 * ({@link #scripts()}). Connecting retries until Redis answers: the service is useless without it, and it
 * may start after us.
 */
public final class RedisStore {
  private static final Logger LOG = LoggerFactory.getLogger(RedisStore.class);
  public static final String CLUSTER_SCHEME = "redis-cluster://";
  private static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);

  private final RedisClusterAsyncCommands<String, String> commands;
  private final ShardScripts scripts;
  private final Supplier<CompletionStage<Void>> closer;

  private RedisStore(RedisClusterAsyncCommands<String, String> commands, ShardScripts scripts,
      Supplier<CompletionStage<Void>> closer) {
    this.commands = commands;
    this.scripts = scripts;
    this.closer = closer;
  }

  /** Whether the URL names a Redis Cluster. */
  public static boolean isCluster(String url) {
    return url.startsWith(CLUSTER_SCHEME);
  }

  /** The seed nodes of a cluster URL, as {@code redis://} URIs. */
  static List<RedisURI> seeds(String url) {
    return Arrays.stream(url.substring(CLUSTER_SCHEME.length()).split(","))
        .map(String::trim).filter(s -> !s.isEmpty())
        .map(hostPort -> RedisURI.create("redis://" + hostPort)).toList();
  }

  /**
   * Connects (retrying every second until Redis answers). Each call makes its own connection: the
   * batcher gets one of its own.
   *
   * @param waitReplicas in a cluster, how many replicas must confirm a batch script (0 or 1; see
   *     {@link ClusterScripts}); ignored on a single server
   */
  public static Future<RedisStore> connect(Vertx vertx, String url, ClientResources resources, Context context,
      int waitReplicas) {
    Objects.requireNonNull(url, "url");
    Promise<RedisStore> promise = Promise.promise();
    if (isCluster(url)) {
      RedisClusterClient client = RedisClusterClient.create(resources, seeds(url));
      client.setOptions(ClusterClientOptions.builder()
          .autoReconnect(true)
          // Node connections open lazily and reconnect after a fail-over: commands wait for them, bounded
          // by the command timeout, instead of failing while a fresh node connection is still coming up.
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
          .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
          // Periodic refresh finds new masters and moved slots; adaptive triggers react to MOVED, ASK and
          // reconnects at once, so a fail-over is followed within a second or so.
          .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
              .enablePeriodicRefresh(Duration.ofSeconds(5))
              .enableAllAdaptiveRefreshTriggers()
              .adaptiveRefreshTriggersTimeout(Duration.ofMillis(500))
              .build())
          .build());
      attempt(vertx, "the Redis Cluster at " + url.substring(CLUSTER_SCHEME.length()),
          // connectAsync needs the partitions loaded first (Lettuce: "works as designed", redis/lettuce#928).
          () -> Future.fromCompletionStage(client.refreshPartitionsAsync(), context)
              .compose(v -> Future.fromCompletionStage(client.connectAsync(ExactUtf8Codec.INSTANCE), context))
              .map(c -> cluster(client, c, waitReplicas)), promise, true);
    } else {
      RedisClient client = RedisClient.create(resources);
      client.setOptions(ClientOptions.builder()
          .autoReconnect(true)
          // While disconnected, fail at once: the batcher keeps its batch and retries with backoff.
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
          .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
          .build());
      RedisURI uri = RedisURI.create(url);
      attempt(vertx, "Redis at " + uri.getHost() + ":" + uri.getPort(),
          () -> Future.fromCompletionStage(client.connectAsync(ExactUtf8Codec.INSTANCE, uri), context)
              .map(c -> single(client, c)), promise, true);
    }
    return promise.future();
  }

  private static RedisStore single(RedisClient client, StatefulRedisConnection<String, String> connection) {
    return new RedisStore(connection.async(), new ShardScripts.Single(connection.async()),
        client::shutdownAsync);
  }

  private static RedisStore cluster(RedisClusterClient client, StatefulRedisClusterConnection<String, String> c,
      int waitReplicas) {
    return new RedisStore(c.async(), new ShardScripts.Cluster(client, c, waitReplicas), client::shutdownAsync);
  }

  private interface Connector {
    Future<RedisStore> connect();
  }

  private static void attempt(Vertx vertx, String what, Connector connector, Promise<RedisStore> promise,
      boolean first) {
    connector.connect().onSuccess(promise::complete).onFailure(err -> {
      if (first) {
        LOG.warn("{} does not answer yet ({}); retrying every {}", what, err.getMessage(), RECONNECT_DELAY);
      }
      vertx.setTimer(RECONNECT_DELAY.toMillis(), t -> attempt(vertx, what, connector, promise, false));
    });
  }

  /** Commands for one key, or keys of one slot; a cluster routes them to the slot's master. */
  public RedisClusterAsyncCommands<String, String> commands() {
    return commands;
  }

  /** How to run a script whose keys all share one slot, on that slot's master. */
  public ShardScripts scripts() {
    return scripts;
  }

  /** Closes the connection and its client (not the shared client resources). */
  public CompletionStage<Void> close() {
    return closer.get();
  }

  /** Runs one-slot scripts; in a cluster also waits until a replica has the script's writes. */
  public interface ShardScripts {
    <T> Future<T> run(LuaScript script, ScriptOutputType type, String[] keys, String[] args, Context context);

    /** How many servers run the shards' scripts (a cluster's masters as last seen; 1 for a single server). */
    default int servers() {
      return 1;
    }

    /** A single server: the script as it is. */
    final class Single implements ShardScripts {
      private final RedisClusterAsyncCommands<String, String> redis;

      public Single(RedisClusterAsyncCommands<String, String> redis) {
        this.redis = redis;
      }

      @Override
      public <T> Future<T> run(LuaScript script, ScriptOutputType type, String[] keys, String[] args,
          Context context) {
        return script.run(redis, type, keys, args, context);
      }
    }

    /** A cluster: see {@link ClusterScripts}. */
    final class Cluster extends ClusterScripts implements ShardScripts {
      Cluster(RedisClusterClient client, StatefulRedisClusterConnection<String, String> connection,
          int waitReplicas) {
        super(client, connection, waitReplicas);
      }
    }
  }
}
