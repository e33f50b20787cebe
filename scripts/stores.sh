#!/usr/bin/env bash
# Starts and stops a private Redis and ClickHouse for tests and for the local run.
#   scripts/stores.sh start DIR REDIS_PORT CLICKHOUSE_HTTP_PORT   (prints nothing on success)
#   scripts/stores.sh start-redis DIR PORT | start-clickhouse DIR PORT
#   scripts/stores.sh start-cluster DIR FIRST_PORT   (a Redis Cluster: 3 masters, 3 replicas on FIRST_PORT..+5)
#   scripts/stores.sh start-clickhouse-cluster DIR FIRST_PORT ZOOKEEPER_PORT [NAME]
#     (a ClickHouse cluster NAME, default engagement_local: ZooKeeper on ZOOKEEPER_PORT and three servers,
#      shard 1 a replicated pair (nodes 1 and 3), shard 2 one replica (node 2); node N with HTTP on
#      FIRST_PORT+10*(N-1), TCP +1, interserver +2; data in DIR/ch-cluster/N)
#   scripts/stores.sh stop DIR
# Each store gets its own data folder under DIR and its own ports, so it never touches a system instance.
set -euo pipefail

ensure_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} from Debian's packages" >&2
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  fi
}

wait_for() { # command... ; up to 60 s
  for _ in $(seq 1 120); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  return 1
}

# lazyfree-lazy-expire: a shard's dedup generation (one hash of every view it counted in a dedup window)
# is freed by a background thread when it expires, not in Redis' main loop (docs/scaling.md).
start_redis() {
  local dir=$1 port=$2
  mkdir -p "$dir/redis"
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir/redis" --daemonize yes \
    --pidfile "$dir/redis/redis.pid" --logfile "$dir/redis/redis.log" \
    --save "" --appendonly yes --appendfsync everysec --lazyfree-lazy-expire yes
  wait_for redis-cli -p "$port" ping || { cat "$dir/redis/redis.log" >&2; echo "Redis did not start" >&2; exit 1; }
}

# Six redis-servers in cluster mode (ports FIRST..FIRST+5, bus ports +10000), joined as 3 masters with one
# replica each. A short node timeout makes a killed master's replica take over within a few seconds.
start_cluster() {
  local dir=$1 first=$2 nodes=() port
  for i in 0 1 2 3 4 5; do
    port=$((first + i))
    mkdir -p "$dir/cluster/$port"
    redis-server --port "$port" --bind 127.0.0.1 --dir "$dir/cluster/$port" --daemonize yes \
      --pidfile "$dir/cluster/$port/redis.pid" --logfile "$dir/cluster/$port/redis.log" \
      --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000 \
      --save "" --appendonly yes --appendfsync everysec --lazyfree-lazy-expire yes
    wait_for redis-cli -p "$port" ping || { cat "$dir/cluster/$port/redis.log" >&2; echo "Redis $port did not start" >&2; exit 1; }
    nodes+=("127.0.0.1:$port")
  done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >"$dir/cluster/create.log" 2>&1 \
    || { cat "$dir/cluster/create.log" >&2; echo "Redis Cluster was not created" >&2; exit 1; }
  for i in 0 1 2 3 4 5; do
    wait_for sh -c "redis-cli -p $((first + i)) cluster info | grep -q cluster_state:ok" \
      || { echo "Redis Cluster node $((first + i)) never reached cluster_state:ok" >&2; exit 1; }
  done
  wait_for sh -c "[ \$(redis-cli -p $first cluster nodes | grep -c ' slave ') -eq 3 ]" \
    || { redis-cli -p "$first" cluster nodes >&2; echo "Redis Cluster replicas did not attach" >&2; exit 1; }
}

start_clickhouse() { # DIR HTTP_PORT: the single server, data in DIR/clickhouse
  local ch
  ch=$(cd "$1" && pwd)/clickhouse
  write_clickhouse_config "$ch" "$2" "$(($2 + 1))" ""
  launch_clickhouse "$ch"
  await_clickhouse "$ch" "$2"
}

# Writes config.xml and users.xml for one server in folder CH; EXTRA is more XML inside <yandex>.
write_clickhouse_config() {
  local ch=$1 port=$2 tcp=$3 extra=$4
  mkdir -p "$ch/data" "$ch/tmp" "$ch/user_files" "$ch/format_schemas"
  cat > "$ch/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$ch/server.log</log><errorlog>$ch/server.err.log</errorlog><size>50M</size><count>2</count></logger>
  <http_port>$port</http_port>
  <tcp_port>$tcp</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <max_connections>1024</max_connections>
  <keep_alive_timeout>10</keep_alive_timeout>
  <max_concurrent_queries>100</max_concurrent_queries>
  <uncompressed_cache_size>134217728</uncompressed_cache_size>
  <mark_cache_size>134217728</mark_cache_size>
  <path>$ch/data/</path>
  <tmp_path>$ch/tmp/</tmp_path>
  <user_files_path>$ch/user_files/</user_files_path>
  <format_schema_path>$ch/format_schemas/</format_schema_path>
  <users_config>$ch/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
$extra
</yandex>
XML
  cat > "$ch/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage><load_balancing>random</load_balancing></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
}

launch_clickhouse() { # CH: starts the server of folder CH in the background
  local ch=$1
  # ClickHouse 18.16 writes no pid file when not daemonized: record the pid of what we start.
  (cd "$ch" || exit 1
   nohup clickhouse-server --config-file="$ch/config.xml" >"$ch/stdout.log" 2>&1 &
   echo $! >"$ch/clickhouse.pid")
}

await_clickhouse() { # CH HTTP_PORT
  wait_for curl -sf "http://127.0.0.1:$2/ping" \
    || { tail -30 "$1/stdout.log" "$1/server.err.log" >&2 2>/dev/null; echo "ClickHouse did not start" >&2; exit 1; }
}

# A standalone ZooKeeper from Debian's package (3.8; ClickHouse 18.16's client speaks its protocol), for
# distributed DDL (ON CLUSTER) and replicated tables. No admin server (it would take port 8080).
start_zookeeper() {
  local zk port=$2
  zk=$(cd "$1" && pwd)/zookeeper
  mkdir -p "$zk/data"
  cat > "$zk/zoo.cfg" <<CFG
tickTime=2000
dataDir=$zk/data
clientPort=$port
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=ruok
maxClientCnxns=500
CFG
  cp /etc/zookeeper/conf_example/log4j.properties "$zk/"
  (cd "$zk" || exit 1
   nohup java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dzookeeper.log.dir="$zk" \
     -cp "$zk:/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar" org.apache.zookeeper.server.ZooKeeperServerMain "$zk/zoo.cfg" \
     >"$zk/stdout.log" 2>&1 &
   echo $! >"$zk/zookeeper.pid")
  wait_for bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && echo ruok >&3 && timeout 1 cat <&3 | grep -q imok" \
    || { tail -30 "$zk/stdout.log" >&2; echo "ZooKeeper did not start" >&2; exit 1; }
}

# Three ClickHouse servers forming cluster NAME: shard 1 a replicated pair (nodes 1 and 3), shard 2 one
# replica (node 2), internal replication (a Distributed insert writes one replica of a shard, which
# replicates it through ZooKeeper), with ZooKeeper for ON CLUSTER DDL and {shard}/{replica} macros, so the
# service's replicated layout runs. Node N has HTTP on FIRST+10*(N-1), TCP +1, interserver +2.
start_clickhouse_cluster() {
  local dir first=$2 zk_port=$3 name=${4:-engagement_local} shards ch n
  dir=$(cd "$1" && pwd)
  start_zookeeper "$dir" "$zk_port"
  replica_xml() { echo "<replica><host>127.0.0.1</host><port>$((first + 10 * ($1 - 1) + 1))</port></replica>"; }
  shards="<shard><internal_replication>true</internal_replication>$(replica_xml 1)$(replica_xml 3)</shard>"
  shards+="<shard><internal_replication>true</internal_replication>$(replica_xml 2)</shard>"
  for n in 1 2 3; do
    ch=$dir/ch-cluster/$n
    # node 1: shard 01 replica r1; node 2: shard 02 replica r1; node 3: shard 01 replica r2
    write_clickhouse_config "$ch" "$((first + 10 * (n - 1)))" "$((first + 10 * (n - 1) + 1))" "
  <interserver_http_port>$((first + 10 * (n - 1) + 2))</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <remote_servers><$name>$shards</$name></remote_servers>
  <zookeeper><node><host>127.0.0.1</host><port>$zk_port</port></node><session_timeout_ms>30000</session_timeout_ms></zookeeper>
  <distributed_ddl><path>/clickhouse/task_queue/ddl</path></distributed_ddl>
  <macros><shard>0$(( n == 2 ? 2 : 1 ))</shard><replica>r$(( n == 3 ? 2 : 1 ))</replica></macros>"
    launch_clickhouse "$ch"
  done
  for n in 1 2 3; do
    await_clickhouse "$dir/ch-cluster/$n" "$((first + 10 * (n - 1)))"
  done
}

stop_pidfile() {
  local pidfile=$1 pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

case "${1:-}" in
  packages) shift; ensure_packages "$@" ;;
  start)
    dir=$2 redis_port=$3 ch_port=$4
    ensure_packages redis-server clickhouse-server clickhouse-client curl
    mkdir -p "$dir"
    start_redis "$dir" "$redis_port"
    start_clickhouse "$dir" "$ch_port"
    ;;
  start-redis)
    ensure_packages redis-server
    mkdir -p "$2"; start_redis "$2" "$3" ;;
  start-cluster)
    ensure_packages redis-server redis-tools
    mkdir -p "$2"; start_cluster "$2" "$3" ;;
  start-clickhouse)
    ensure_packages clickhouse-server clickhouse-client curl
    mkdir -p "$2"; start_clickhouse "$2" "$3" ;;
  start-clickhouse-cluster)
    ensure_packages clickhouse-server clickhouse-client curl zookeeper
    mkdir -p "$2"; start_clickhouse_cluster "$2" "$3" "$4" "${5:-}" ;;
  stop)
    dir=$2
    stop_pidfile "$dir/redis/redis.pid"
    stop_pidfile "$dir/clickhouse/clickhouse.pid"
    for pidfile in "$dir"/cluster/*/redis.pid "$dir"/ch-cluster/*/clickhouse.pid "$dir"/zookeeper/zookeeper.pid; do
      if [ -e "$pidfile" ]; then stop_pidfile "$pidfile"; fi
    done
    ;;
  *) echo "usage: $0 packages PKG... | start DIR REDIS_PORT CLICKHOUSE_HTTP_PORT | start-clickhouse-cluster DIR FIRST_PORT ZOOKEEPER_PORT [NAME] (nodes on FIRST_PORT, +10, +20) | stop DIR" >&2; exit 2 ;;
esac
