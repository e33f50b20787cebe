#!/usr/bin/env bash
# Two builds of the service compared on the same box in the same minutes: each round starts fresh
# stores and the service from each jar in turn (A, B, A, B, ...), and measures, after 30 s of warm-up,
#   ingest     wrk -t2 -c64 bench/events.lua: requests/s answered
#   sustained  events applied to Redis per second over that run and its drain
#   long-tail  wrk -t2 -c64 bench/events-longtail.lua: requests/s, and Redis CPU per applied event
# This box's speed moves by a factor of two to five within an hour, so only pairs of one round compare.
#   scripts/bench-ab.sh A.jar B.jar [rounds, default 3] [seconds per run, default 15]
# e.g. git stash; mvn -q package -DskipTests; cp target/engagement-service.jar /tmp/a.jar; git stash pop; ...
# Extra environment for both services: BENCH_AB_ENV="PRESENCE_INTERVAL=1h ...". Ports as scripts/bench.sh.
# JVM options as scripts/run.sh (scripts/service-java-opts), or SERVICE_JAVA_OPTS for both.
set -euo pipefail
cd "$(dirname "$0")/.."
a=$1; b=$2; rounds=${3:-3}; seconds=${4:-15}
rp=${BENCH_PORT:-16590}; cp=$((rp + 2000)); sp=$((rp + 2006))
out=target/bench
mkdir -p "$out"
scripts/stores.sh packages wrk redis-server clickhouse-server clickhouse-client curl
svc=http://127.0.0.1:$sp
svc_java=${SERVICE_JAVA_OPTS-$(cat scripts/service-java-opts)}
stores=; svc_pid=
cleanup() {
  [ -n "$svc_pid" ] && kill "$svc_pid" 2>/dev/null && wait "$svc_pid" 2>/dev/null || true
  [ -n "$stores" ] && scripts/stores.sh stop "$stores" && rm -rf "$stores" || true
  stores=; svc_pid=
}
trap cleanup EXIT
wait_port() { for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.2; done; return 1; }
metric() { curl -s "$svc/metrics" | awk -v m="$1" 'index($0, m) == 1 {s += $NF} END {printf "%d", s}'; }
applied() { echo $(( $(metric engagement_events_counted_total) + $(metric 'engagement_events_dropped_total{reason="duplicate"') )); }
drained() { for _ in $(seq 1 1200); do [ "$(metric engagement_events_pending)" = "0" ] && return 0; sleep 0.1; done; return 1; }
redis_cpu_us() { redis-cli -p "$rp" info cpu | awk -F: '/^used_cpu_(sys|user):/ {s += $2} END {printf "%.0f", s * 1000000}'; }
rps() { awk '/Requests\/sec/ {printf "%.0f", $2}' "$1"; }

one() { # jar -> one line of figures
  stores=$(mktemp -d "${TMPDIR:-/tmp}/engagement-bench-ab.XXXXXX")
  scripts/stores.sh start "$stores" "$rp" "$cp" >/dev/null
  # shellcheck disable=SC2086
  env ${BENCH_AB_ENV:-} REDIS_URL=redis://127.0.0.1:$rp CLICKHOUSE_URL=http://127.0.0.1:$cp HTTP_PORT=$sp TRUSTED_PROXIES=127.0.0.1 \
    RATE_LIMIT_PER_MINUTE=0 MAX_PENDING_EVENTS=6000000 VISITOR_SECRET=$(openssl rand -hex 32) \
    java $svc_java -jar "$1" >"$out/ab-service.log" 2>&1 &
  svc_pid=$!
  wait_port "$sp"
  wrk -t2 -c64 -d30s -s bench/events.lua "$svc" >/dev/null
  drained
  local a0 t0 a1 t1 c0 c1
  a0=$(applied); t0=$(date +%s.%N)
  wrk -t2 -c64 -d"${seconds}s" -s bench/events.lua "$svc" >"$out/ab-ingest.txt"
  drained; t1=$(date +%s.%N); a1=$(applied)
  local sustained
  sustained=$(awk -v n=$((a1 - a0)) -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", n / (b - a)}')
  a0=$(applied); c0=$(redis_cpu_us)
  wrk -t2 -c64 -d"${seconds}s" -s bench/events-longtail.lua "$svc" >"$out/ab-longtail.txt"
  drained; a1=$(applied); c1=$(redis_cpu_us)
  printf '| %s | %s | %s | %s | %s |\n' "$(basename "$1")" "$(rps "$out/ab-ingest.txt")" "$sustained" \
    "$(rps "$out/ab-longtail.txt")" "$(awk -v c=$((c1 - c0)) -v e=$((a1 - a0)) 'BEGIN {printf "%.2f", (e > 0 ? c / e : 0)}')"
  cleanup
}

{
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  A: $a  B: $b  ${BENCH_AB_ENV:+env: $BENCH_AB_ENV}"
  echo
  echo "| jar | ingest req/s | sustained events/s | long-tail req/s | Redis CPU µs per long-tail event |"
  echo "| --- | --- | --- | --- | --- |"
  for _ in $(seq 1 "$rounds"); do
    one "$a"
    one "$b"
  done
} | tee "$out/ab-summary.txt"
