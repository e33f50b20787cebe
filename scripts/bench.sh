#!/usr/bin/env bash
# Ingest throughput as a ratio to a bare Vert.x endpoint, both measured in this same run with the same
# load: wrk -t2 -c64, one view event per request from a new visitor each time.
#   scripts/bench.sh [seconds per run, default 20]
# Prints a summary and writes it to target/bench/summary.txt. Needs 2+ cores free of other work.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
out=target/bench
mkdir -p "$out"
stores=$(mktemp -d "${TMPDIR:-/tmp}/engagement-bench.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  scripts/stores.sh stop "$stores"; rm -rf "$stores"
}
trap cleanup EXIT

scripts/stores.sh packages wrk redis-server clickhouse-server clickhouse-client curl
scripts/stores.sh start "$stores" 16590 18590
mvn -B -q package -DskipTests
mvn -B -q dependency:build-classpath -Dmdep.outputFile="$out/classpath.txt" -Dmdep.includeScope=test

wait_port() { for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.2; done; return 1; }
rps() { awk '/Requests\/sec/ {print $2}' "$1"; }

java -cp "target/classes:target/test-classes:$(cat "$out/classpath.txt")" news.engagement.bench.BareServer 18595 >"$out/bare.log" 2>&1 &
pids+=($!)
wait_port 18595
wrk -t2 -c64 -d15s -s bench/events.lua http://127.0.0.1:18595 >/dev/null   # JIT warm-up
wrk -t2 -c64 -d"${seconds}s" -s bench/events.lua http://127.0.0.1:18595 | tee "$out/bare.txt"
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true

REDIS_URL=redis://127.0.0.1:16590 CLICKHOUSE_URL=http://127.0.0.1:18590 HTTP_PORT=18596 RATE_LIMIT_PER_MINUTE=0 \
  MAX_PENDING_EVENTS=2000000 VISITOR_SECRET=$(openssl rand -hex 32) java -jar target/engagement-service.jar >"$out/service.log" 2>&1 &
pids+=($!)
wait_port 18596
wrk -t2 -c64 -d15s -s bench/events.lua http://127.0.0.1:18596 >/dev/null   # JIT warm-up
metric() { curl -s http://127.0.0.1:18596/metrics | awk -v m="$1" 'index($0, m) == 1 {s += $NF} END {printf "%d", s}'; }
applied() { echo $(( $(metric engagement_events_counted_total) + $(metric 'engagement_events_dropped_total{reason="duplicate"') )); }
wait_drained() { for _ in $(seq 1 1200); do [ "$(metric engagement_events_pending)" = "0" ] && return 0; sleep 0.1; done; return 1; }
wait_drained   # the warm-up's backlog is not part of the measured run
redis-cli -p 16590 config resetstat >/dev/null
before=$(applied); start=$(date +%s.%N)
wrk -t2 -c64 -d"${seconds}s" -s bench/events.lua http://127.0.0.1:18596 | tee "$out/service.txt"
# Accepted is not counted: wait until Redis has applied everything accepted, then take the rate.
wait_drained
end=$(date +%s.%N); after=$(applied)
applied_rate=$(awk -v n=$((after - before)) -v a="$start" -v b="$end" 'BEGIN {printf "%.0f", n / (b - a)}')
drain=$(awk -v a="$start" -v b="$end" -v d="$seconds" 'BEGIN {printf "%.1f", b - a - d}')
codes=$(grep -c "Non-2xx" "$out/service.txt" || true)
script_usec=$(redis-cli -p 16590 info commandstats | awk -F'[=,]' '/cmdstat_evalsha/ {print $6}')
redis_cpu=$(redis-cli -p 16590 info cpu | awk -F: '/used_cpu_(sys|user):/ {s+=$2} END {printf "%.1f", s}')

# The HTTP ingest path alone: with Redis shut down, accepted events wait in the bounded buffer, so the
# service gets the cores that Redis took above (as the bare server had them).
redis-cli -p 16590 shutdown nosave >/dev/null 2>&1 || true
wrk -t2 -c64 -d10s -s bench/events.lua http://127.0.0.1:18596 >/dev/null   # past the moment Redis left
wrk -t2 -c64 -d"${seconds}s" -s bench/events.lua http://127.0.0.1:18596 | tee "$out/ingest-alone.txt"
alone=$(rps "$out/ingest-alone.txt")
alone_ratio=$(awk -v a="$alone" -v b="$(rps "$out/bare.txt")" 'BEGIN {printf "%.2f", a / b}')

bare=$(rps "$out/bare.txt"); svc=$(rps "$out/service.txt")
ratio=$(awk -v a="$svc" -v b="$bare" 'BEGIN {printf "%.2f", a / b}')
{
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -m); wrk, service and Redis share the cores"
  echo "load: wrk -t2 -c64 -d${seconds}s -s bench/events.lua (one view per request, a new visitor each, 500 articles), after 15 s of warm-up each"
  echo "bare Vert.x JSON->204:        $bare requests/s"
  echo "engagement ingest (202):      $svc requests/s   ratio to bare: $ratio   non-2xx lines: $codes"
  echo "applied to Redis (sustained): $applied_rate events/s over the run plus ${drain} s to drain what was accepted"
  echo "ingest path alone (Redis away, events buffered): $alone requests/s   ratio to bare: $alone_ratio"
  echo "Redis: $script_usec us per batch script call (AOF on, everysec); cpu seconds used since start: $redis_cpu"
} | tee "$out/summary.txt"
