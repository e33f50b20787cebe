#!/usr/bin/env bash
# Runs the service on :8080 (HTTP_PORT) on a fresh machine.
# When REDIS_URL / CLICKHOUSE_URL are not set and nothing answers on the default ports, it installs
# Redis and ClickHouse from Debian's packages and starts private ones it owns (data in .local-stores/),
# stopped again when the service exits.
# For this local run only: an unset EDITOR_TOKEN or VISITOR_SECRET is generated once and kept in
# .local-stores/, so a restart keeps the editor's sign-in and the visitor hashes. The jar and the image
# never do this: there they must be configured.
# LOCAL_REDIS_CLUSTER=1 starts a local Redis Cluster instead (3 masters, 3 replicas on 7000..7005, data
# in .local-stores/cluster) and points REDIS_URL at it, to try the cluster path on one machine.
# LOCAL_CLICKHOUSE_CLUSTER=1 keeps history on a local two-shard ClickHouse cluster instead, shard 1 a
# replicated pair (HTTP on 8133 and 8153 for shard 1's replicas, 8143 for shard 2, ZooKeeper on 2181, data
# in .local-stores/ch-cluster) with CLICKHOUSE_CLUSTER=engagement_local.
set -euo pipefail
cd "$(dirname "$0")/.."

# LOCAL_STORES_DIR moves the data folder (tests use a temporary one).
stores=${LOCAL_STORES_DIR:-$PWD/.local-stores}
mkdir -p "$stores"

# Prints the secret kept in FILE, first writing BYTES random bytes there as hex when it is missing.
kept_secret() {
  local file=$1 bytes=$2
  if [ ! -s "$file" ]; then
    (umask 077 && od -An -N"$bytes" -tx1 /dev/urandom | tr -d ' \n' >"$file")
  fi
  cat "$file"
}
token_generated=false
if [ -z "${EDITOR_TOKEN:-}" ]; then
  EDITOR_TOKEN=$(kept_secret "$stores/editor-token" 24)
  token_generated=true
fi
if [ -z "${VISITOR_SECRET:-}" ]; then
  VISITOR_SECRET=$(kept_secret "$stores/visitor-secret" 32)
fi
export EDITOR_TOKEN VISITOR_SECRET

own_stores=false
answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [ -z "${REDIS_URL:-}" ] && [ "${LOCAL_REDIS_CLUSTER:-0}" = 1 ]; then
  if ! answers 7000; then
    rm -rf "$stores/cluster"
    scripts/stores.sh start-cluster "$stores" 7000
    own_stores=true
    echo "started a local Redis Cluster on :7000..7005 (data in $stores/cluster)"
  fi
  export REDIS_URL="redis-cluster://127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002"
elif [ -z "${REDIS_URL:-}" ] && ! answers 6379; then
  scripts/stores.sh start-redis "$stores" 6379
  own_stores=true
  echo "started a local Redis on :6379 (data in $stores/redis)"
fi
if [ -z "${CLICKHOUSE_URL:-}" ] && [ "${LOCAL_CLICKHOUSE_CLUSTER:-0}" = 1 ]; then
  if ! answers 8133; then
    rm -rf "$stores/ch-cluster" "$stores/zookeeper"
    scripts/stores.sh start-clickhouse-cluster "$stores" 8133 2181 engagement_local
    own_stores=true
    echo "started a local two-shard ClickHouse cluster on :8133 and :8153 (shard 1's replicas), :8143 (shard 2) (data in $stores/ch-cluster)"
  fi
  export CLICKHOUSE_URL="http://127.0.0.1:8133" CLICKHOUSE_CLUSTER=engagement_local
elif [ -z "${CLICKHOUSE_URL:-}" ] && ! answers 8123; then
  scripts/stores.sh start-clickhouse "$stores" 8123
  own_stores=true
  echo "started a local ClickHouse on :8123 (data in $stores/clickhouse)"
fi

if [ ! -f target/engagement-service.jar ] || [ -n "$(find src pom.xml -newer target/engagement-service.jar -print -quit)" ]; then
  mvn -B -q package -DskipTests
fi

desk="http://localhost:${HTTP_PORT:-8080}/editor"
if $token_generated; then
  echo "editor desk: $desk  token: $EDITOR_TOKEN  (kept in $stores/editor-token)"
else
  echo "editor desk: $desk  (sign in with your EDITOR_TOKEN)"
fi

# The demo pages are served by the service itself: its own origin is the site, so their metadata is crawled.
if [ -z "${SITE_ORIGINS:-}" ]; then
  export SITE_ORIGINS="http://localhost:${HTTP_PORT:-8080},http://127.0.0.1:${HTTP_PORT:-8080}"
fi

export TZ=UTC
# Shenandoah: concurrent collection, pauses of a few ms instead of G1's young pauses of 50 to 200 ms under a
# write backlog (each a stall of every read; docs/benchmarks.md). The heap is fixed at start (-Xms = -Xmx): a
# heap that grows commits its new regions on the request path (the kernel zeroing pages was 7 to 8 % of the
# event loops' samples under ingest). -Xms only reserves them: the kernel still zeroes each page on its first
# touch, and a heap whose live part grows (the backlog while Redis is away) touched fresh pages on the request
# path (clear_page 14 to 16 % of the samples, 2026-12-03); AlwaysPreTouch does it once at start (about a second
# for 2 GiB). The options live in scripts/service-java-opts (the bench scripts read the same file);
# SERVICE_JAVA_OPTS replaces them.
java_opts=${SERVICE_JAVA_OPTS-$(cat scripts/service-java-opts)}
if $own_stores; then
  trap 'scripts/stores.sh stop "$stores"' EXIT
  java -Duser.timezone=UTC $java_opts -jar target/engagement-service.jar
else
  exec java -Duser.timezone=UTC $java_opts -jar target/engagement-service.jar
fi
