package news.engagement.history;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ClickHouse over its HTTP interface, non-blocking (Vert.x web client). Statements go in the
 * {@code query} parameter, data in the body; credentials in the X-ClickHouse-User / X-ClickHouse-Key
 * headers, which ClickHouse 18.16 and current releases both accept. Any non-200 answer fails the future
 * with a {@link ClickHouseException} carrying ClickHouse's own message.
 */
public final class ClickHouseClient {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  /**
   * How long a node waits for the others to run an {@code ON CLUSTER} statement ({@code
   * distributed_ddl_task_timeout}, 180 s by default, past any request timeout): the live nodes of a
   * healthy cluster run the service's DDL in milliseconds.
   */
  static final Duration DDL_WAIT = Duration.ofSeconds(2);
  private static final Duration DDL_WARNING_EVERY = Duration.ofMinutes(1);
  private static final Logger LOG = LoggerFactory.getLogger(ClickHouseClient.class);

  private final WebClient client;
  private final String baseUrl;
  private final String database;
  private final String user;
  private final String password;
  private final long timeoutMillis;
  private final Optional<String> cluster;
  private volatile Future<ClickHouseLayout> layout;
  private volatile long lastQueuedWarning;

  public ClickHouseClient(Vertx vertx, String url, String database, String user, String password) {
    this(vertx, url, database, user, password, DEFAULT_TIMEOUT);
  }

  public ClickHouseClient(Vertx vertx, String url, String database, String user, String password, Duration timeout) {
    this(vertx, url, database, user, password, timeout, Optional.empty());
  }

  /**
   * A client of one server ({@code cluster} empty) or of the node {@code url} of a cluster named
   * {@code cluster} ({@code CLICKHOUSE_CLUSTER}): every statement goes to that node, which forwards DDL
   * and Distributed reads and inserts to the others.
   */
  public ClickHouseClient(Vertx vertx, String url, String database, String user, String password, Duration timeout,
      Optional<String> cluster) {
    Objects.requireNonNull(vertx, "vertx");
    URI uri = URI.create(Objects.requireNonNull(url, "url"));
    if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
      throw new IllegalArgumentException("CLICKHOUSE_URL must be http://host:port or https://host:port: " + url);
    }
    this.baseUrl = url.endsWith("/") ? url : url + "/";
    this.database = Schema.identifier(Objects.requireNonNull(database, "database"));
    this.user = Objects.requireNonNull(user, "user");
    this.password = Objects.requireNonNull(password, "password");
    this.timeoutMillis = timeout.toMillis();
    this.cluster = Objects.requireNonNull(cluster, "cluster").map(Schema::identifier);
    this.layout = this.cluster.isEmpty() ? Future.succeededFuture(ClickHouseLayout.single()) : null;
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setKeepAlive(true)
        // Below ClickHouse's own keep_alive_timeout (3 s by default), so a pooled connection is never one
        // the server is just closing.
        .setKeepAliveTimeout(2)
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis))
        .setUserAgent("engagement-service"));
  }

  public String database() {
    return database;
  }

  /**
   * The layout the tables are created in: one server, or the cluster, replicated when the node defines
   * the {@code shard} and {@code replica} macros. Asked once; a failed ask is repeated by the next call.
   */
  public Future<ClickHouseLayout> layout() {
    Future<ClickHouseLayout> known = layout;
    if (known != null) {
      return known;
    }
    String name = cluster.orElseThrow();
    // Outside the database, which may not exist yet.
    return send(request(ClickHouseLayout.REPLICA_MACROS, false), Buffer.buffer()).map(response -> {
      ClickHouseLayout found = ClickHouseLayout.cluster(name, "2".equals(response.bodyAsString().trim()));
      layout = Future.succeededFuture(found);
      return found;
    });
  }

  /** Runs statements one after the other with {@link #execute}; the first failure stops the rest. */
  public Future<Void> executeInOrder(java.util.List<String> statements) {
    Future<Void> chain = Future.succeededFuture();
    for (String sql : statements) {
      chain = chain.compose(v -> execute(sql));
    }
    return chain;
  }

  /**
   * Runs a statement that returns nothing of interest (DDL, ALTER, ...). On a cluster an {@code ON CLUSTER}
   * statement waits at most {@link #DDL_WAIT} for every node; a node that has not run it by then (one that
   * is down, a replica of a shard as much as a shard) runs it from ZooKeeper's DDL queue when it is back,
   * so that answer (code 159, "in background") counts as done: the live nodes have run it, and a service
   * starting while one node is down still creates or checks its tables instead of waiting for every node.
   */
  public Future<Void> execute(String sql) {
    HttpRequest<Buffer> request = request(sql, false);
    if (cluster.isEmpty()) {
      return send(request, Buffer.buffer()).mapEmpty();
    }
    request.addQueryParam("distributed_ddl_task_timeout", Long.toString(DDL_WAIT.toSeconds()));
    return send(request, Buffer.buffer()).<Void>mapEmpty().recover(err -> {
      if (!queuedForAbsentNodes(err)) {
        return Future.failedFuture(err);
      }
      long now = System.nanoTime();
      if (now - lastQueuedWarning > DDL_WARNING_EVERY.toNanos() || lastQueuedWarning == 0) {
        lastQueuedWarning = now;
        LOG.warn("A node of cluster {} did not run ON CLUSTER DDL within {} s (down?); it runs it from the "
            + "DDL queue when back: {}", cluster.get(), DDL_WAIT.toSeconds(), err.getMessage());
      }
      return Future.succeededFuture();
    });
  }

  /**
   * ClickHouse's answer when some nodes did not finish a distributed DDL in time and will run it later:
   * TIMEOUT_EXCEEDED (159) about the DDL task, "Watching task ... is executing longer than
   * distributed_ddl_task_timeout" in 18.16, "Distributed DDL task ... is not finished on N of M hosts" in
   * current releases (both go on "... execute the query in background"). Other timeouts still fail.
   */
  static boolean queuedForAbsentNodes(Throwable err) {
    String message = err.getMessage();
    return err instanceof ClickHouseException && message != null && message.contains("Code: 159")
        && (message.contains("Watching task") || message.contains("Distributed DDL task"));
  }

  /**
   * Runs an {@code INSERT ... SELECT} (or {@code INSERT ... VALUES}) in the database; into a Distributed
   * table it answers only once every shard has its rows, as the flusher's inserts do.
   */
  public Future<Void> insertSelect(String sql) {
    return insertSelect(sql, Duration.ofMillis(timeoutMillis));
  }

  /** {@link #insertSelect(String)} with its own timeout, for a statement known to read much. */
  public Future<Void> insertSelect(String sql, Duration timeout) {
    HttpRequest<Buffer> request = request(sql, true).timeout(timeout.toMillis());
    if (cluster.isPresent()) {
      request.addQueryParam("insert_distributed_sync", "1");
      // Read each shard from its first healthy replica, the one a Distributed insert writes to (internal
      // replication): a roll-up reading the other replica could miss rows it has not fetched yet.
      request.addQueryParam("load_balancing", "in_order");
    }
    return send(request, Buffer.buffer()).mapEmpty();
  }

  /** Inserts rows into a table of the database in JSONEachRow format, in one INSERT. */
  public Future<Void> insertJsonEachRow(String table, List<JsonObject> rows) {
    if (rows.isEmpty()) {
      return Future.succeededFuture();
    }
    Buffer body = Buffer.buffer(rows.size() * 128);
    for (JsonObject row : rows) {
      body.appendBuffer(row.toBuffer()).appendByte((byte) '\n');
    }
    return insertJsonLines(table, body);
  }

  /** Inserts a body of JSONEachRow lines (one object per line) into a table of the database, in one INSERT. */
  public Future<Void> insertJsonLines(String table, Buffer body) {
    if (body.length() == 0) {
      return Future.succeededFuture();
    }
    return send(insertRequest(table), body).mapEmpty();
  }

  /**
   * Inserts a streamed body of JSONEachRow lines into a table of the database, in one INSERT sent with
   * chunked transfer encoding: the body is pulled from {@code body} as the connection takes it, so it is
   * never held whole in memory. The stream must hold at least one row.
   */
  public Future<Void> insertJsonLines(String table, ReadStream<Buffer> body) {
    return check(insertRequest(table).sendStream(body)).mapEmpty();
  }

  private HttpRequest<Buffer> insertRequest(String table) {
    String sql = "INSERT INTO " + database + "." + Schema.identifier(table) + " FORMAT JSONEachRow";
    HttpRequest<Buffer> request = request(sql, true);
    if (cluster.isPresent()) {
      // Into a Distributed table: answer only once every shard has its rows (not once they are queued on
      // this node), so a flush is acknowledged in Redis only when the rows are on their shards.
      request.addQueryParam("insert_distributed_sync", "1");
    }
    return request;
  }

  /** Runs a query ending in {@code FORMAT TabSeparated}; answers its rows split into columns. */
  public Future<List<String[]>> queryTabSeparated(String sql) {
    return send(request(sql, true), Buffer.buffer()).map(response -> {
      List<String[]> rows = new ArrayList<>();
      for (String line : lines(response.bodyAsString())) {
        rows.add(line.split("\t", -1));
      }
      return rows;
    });
  }

  /** Runs a query ending in {@code FORMAT JSONEachRow}; answers one object per row, 64-bit integers as numbers. */
  public Future<List<JsonObject>> queryJsonEachRow(String sql) {
    // ClickHouse quotes (U)Int64 in JSON by default, for JavaScript's sake; Java reads them as longs.
    HttpRequest<Buffer> request = request(sql, true).addQueryParam("output_format_json_quote_64bit_integers", "0");
    return send(request, Buffer.buffer()).map(response -> {
      List<JsonObject> rows = new ArrayList<>();
      for (String line : lines(response.bodyAsString())) {
        rows.add(new JsonObject(line));
      }
      return rows;
    });
  }

  /** True when ClickHouse answers {@code SELECT 1}. */
  public Future<Boolean> ping() {
    return queryTabSeparated("SELECT 1 FORMAT TabSeparated").map(rows -> true).otherwise(false);
  }

  public void close() {
    client.close();
  }

  private HttpRequest<Buffer> request(String sql, boolean inDatabase) {
    HttpRequest<Buffer> request = client.postAbs(baseUrl)
        .addQueryParam("query", sql)
        .putHeader("X-ClickHouse-User", user)
        .timeout(timeoutMillis);
    if (!password.isEmpty()) {
      request.putHeader("X-ClickHouse-Key", password);
    }
    if (inDatabase) {
      // Not for CREATE DATABASE: the database param must name an existing database.
      request.addQueryParam("database", database);
    }
    return request;
  }

  private static Future<HttpResponse<Buffer>> send(HttpRequest<Buffer> request, Buffer body) {
    return check(request.sendBuffer(body));
  }

  private static Future<HttpResponse<Buffer>> check(Future<HttpResponse<Buffer>> sent) {
    return sent.compose(response -> response.statusCode() == 200
        ? Future.succeededFuture(response)
        : Future.failedFuture(new ClickHouseException(response.statusCode(), firstLine(response.bodyAsString()))));
  }

  private static List<String> lines(String body) {
    if (body == null || body.isEmpty()) {
      return List.of();
    }
    return body.lines().filter(l -> !l.isEmpty()).toList();
  }

  private static String firstLine(String body) {
    if (body == null || body.isBlank()) {
      return "(no message)";
    }
    String line = body.strip().lines().findFirst().orElse("");
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }

  /** ClickHouse answered, but not with success. */
  public static final class ClickHouseException extends RuntimeException {
    private final int status;

    ClickHouseException(int status, String message) {
      super("ClickHouse answered " + status + ": " + message);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }
}
