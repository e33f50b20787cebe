#!/usr/bin/env bash
# Two configurations of the service under the same long-tail ingest at the same moment: each instance
# has its own Redis and ClickHouse, both get wrk -t1 -c32 bench/events-longtail.lua at once, so the box's
# speed (which moves by a factor of two within an hour here) is shared and only the configurations differ.
# Prints per side: requests/s accepted, events/s applied to Redis (over the run and its drain) and Redis
# CPU per applied event. Rounds alternate which side starts first.
#   DUEL_A="BATCH_INTERVAL=50ms" DUEL_B="BATCH_INTERVAL=200ms" bench/duel.sh [rounds, default 3] [seconds, default 20]
# DUEL_A_JAR / DUEL_B_JAR (default target/engagement-service.jar) compare builds instead. JVM options as
# scripts/run.sh (scripts/service-java-opts, or SERVICE_JAVA_OPTS). Ports from BENCH_PORT + 20 (default 16610).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}; seconds=${2:-20}
base=$(( ${BENCH_PORT:-16590} + 20 ))
out=target/bench
mkdir -p "$out"
scripts/stores.sh packages wrk redis-server clickhouse-server clickhouse-client curl
[ -f target/engagement-service.jar ] || mvn -B -q package -DskipTests
java_opts=${SERVICE_JAVA_OPTS-$(cat scripts/service-java-opts)}
# One side: Redis base+i*10, ClickHouse +2000, service +2006.
rp() { echo $((base + $1 * 10)); }
sp() { echo $(( $(rp "$1") + 2006 )); }
dirs=(); pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
  for d in "${dirs[@]}"; do scripts/stores.sh stop "$d" >/dev/null 2>&1; rm -rf "$d"; done
  dirs=(); pids=()
}
trap cleanup EXIT
wait_port() { for _ in $(seq 1 150); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.2; done; return 1; }
metric() { curl -s "http://127.0.0.1:$(sp "$1")/metrics" | awk -v m="$2" 'index($0, m) == 1 {s += $NF} END {printf "%d", s}'; }
applied() { echo $(( $(metric "$1" engagement_events_counted_total) + $(metric "$1" 'engagement_events_dropped_total{reason="duplicate"') )); }
drained() { for _ in $(seq 1 1200); do [ "$(metric "$1" engagement_events_pending)" = "0" ] && return 0; sleep 0.1; done; return 1; }
cpu_us() { redis-cli -p "$(rp "$1")" info cpu | awk -F: '/^used_cpu_(sys|user):/ {s += $2} END {printf "%.0f", s * 1000000}'; }
rps() { awk '/Requests\/sec/ {printf "%.0f", $2}' "$1"; }
start() { # side env jar
  local d
  d=$(mktemp -d "${TMPDIR:-/tmp}/engagement-duel.XXXXXX"); dirs+=("$d")
  scripts/stores.sh start "$d" "$(rp "$1")" $(( $(rp "$1") + 2000 )) >/dev/null
  # shellcheck disable=SC2086
  env $2 REDIS_URL=redis://127.0.0.1:$(rp "$1") CLICKHOUSE_URL=http://127.0.0.1:$(( $(rp "$1") + 2000 )) HTTP_PORT=$(sp "$1") \
    TRUSTED_PROXIES=127.0.0.1 RATE_LIMIT_PER_MINUTE=0 MAX_PENDING_EVENTS=6000000 VISITOR_SECRET=$(openssl rand -hex 32) \
    java $java_opts -jar "$3" >"$out/duel-service-$1.log" 2>&1 &
  pids+=($!)
}
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)  A: ${DUEL_A:-defaults} ${DUEL_A_JAR:-}  B: ${DUEL_B:-defaults} ${DUEL_B_JAR:-}"
echo "| round | A req/s | A applied/s | A Redis µs/event | B req/s | B applied/s | B Redis µs/event |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) = 1 ]; then order="0 1"; else order="1 0"; fi
  for s in $order; do
    if [ "$s" = 0 ]; then start 0 "${DUEL_A:-}" "${DUEL_A_JAR:-target/engagement-service.jar}"; else start 1 "${DUEL_B:-}" "${DUEL_B_JAR:-target/engagement-service.jar}"; fi
  done
  wait_port "$(sp 0)"; wait_port "$(sp 1)"
  both() { # seconds output-prefix: wrk on both sides at once
    local w=()
    for s in 0 1; do wrk -t1 -c32 -d"$1s" -s bench/events-longtail.lua "http://127.0.0.1:$(sp $s)" >"$2-$s.txt" & w+=($!); done
    wait "${w[@]}"
  }
  both 60 "$out/duel-warm"   # JIT warm-up
  drained 0; drained 1
  unset a0 c0 t0 a1 c1 t1; declare -A a0 c0 t0 a1 c1 t1
  for s in 0 1; do a0[$s]=$(applied $s); c0[$s]=$(cpu_us $s); t0[$s]=$(date +%s.%N); done
  both "$seconds" "$out/duel"
  # Each side's end is the moment its own backlog is empty.
  for _ in $(seq 1 1200); do
    for s in 0 1; do
      if [ -z "${t1[$s]:-}" ] && [ "$(metric $s engagement_events_pending)" = "0" ]; then
        t1[$s]=$(date +%s.%N); a1[$s]=$(applied $s); c1[$s]=$(cpu_us $s)
      fi
    done
    [ -n "${t1[0]:-}" ] && [ -n "${t1[1]:-}" ] && break
    sleep 0.1
  done
  line="| $r"
  for s in 0 1; do
    line="$line | $(rps "$out/duel-$s.txt") | $(awk -v n=$((a1[$s] - a0[$s])) -v a="${t0[$s]}" -v b="${t1[$s]}" 'BEGIN {printf "%.0f", n / (b - a)}') | $(awk -v c=$((c1[$s] - c0[$s])) -v e=$((a1[$s] - a0[$s])) 'BEGIN {printf "%.2f", (e > 0 ? c / e : 0)}')"
  done
  echo "$line |"
  cleanup
done
