#!/usr/bin/env bash
# Pings (reading now, engaged time, read depth): how many pings per second the service takes and writes
# to Redis, and how many Redis commands each costs (INFO commandstats, the presence script's inner
# commands included). Load: wrk -t2 -c64 bench/pings.lua (one ping per request, 20 000 readers per
# thread over 300 articles).
#   scripts/bench-pings.sh [seconds, default 15]
# Prints one line and writes it to target/bench/pings-summary.txt. Ports: BENCH_PORT (default 16590) Redis,
# +2000 and +2001 ClickHouse, +2006 the service (as scripts/bench.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
rp=${BENCH_PORT:-16590}; cp=$((rp + 2000)); sp=$((rp + 2006))
out=target/bench
mkdir -p "$out"
stores=$(mktemp -d "${TMPDIR:-/tmp}/engagement-bench-pings.XXXXXX")
svc_pid=
cleanup() {
  [ -n "$svc_pid" ] && kill "$svc_pid" 2>/dev/null || true
  scripts/stores.sh stop "$stores"; rm -rf "$stores"
}
trap cleanup EXIT

scripts/stores.sh packages wrk redis-server clickhouse-server clickhouse-client curl
scripts/stores.sh start "$stores" "$rp" "$cp"
mvn -B -q package -DskipTests
redis() { redis-cli -p "$rp" "$@"; }
wait_port() { for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.2; done; return 1; }
svc=http://127.0.0.1:$sp
metric() { curl -s "$svc/metrics" | awk -v m="$1" 'index($0, m) == 1 {s += $NF} END {printf "%d", s}'; }
counted() { metric 'engagement_events_counted_total{type="ping"'; }
# Written to Redis once the counter stops moving (the writer drains every PRESENCE_INTERVAL).
wait_written() { local a b; a=$(counted); for _ in $(seq 1 120); do sleep 0.5; b=$(counted); [ "$a" = "$b" ] && return 0; a=$b; done; }
redis_calls() { redis info commandstats | awk -F'[:=,]' '/^cmdstat_/ && $1 !~ /cmdstat_(evalsha|eval|info|config)$/ {s += $3} END {print s + 0}'; }
script_calls() { redis info commandstats | awk -F'[:=,]' '/^cmdstat_evalsha/ {print $3}'; }

REDIS_URL=redis://127.0.0.1:$rp CLICKHOUSE_URL=http://127.0.0.1:$cp HTTP_PORT=$sp TRUSTED_PROXIES=127.0.0.1 \
  RATE_LIMIT_PER_MINUTE=0 VISITOR_SECRET=$(openssl rand -hex 32) java -jar target/engagement-service.jar \
  >"$out/pings-service.log" 2>&1 &
svc_pid=$!
wait_port "$sp"

wrk -t2 -c64 -d5s -s bench/pings.lua "$svc" >"$out/pings-warm.txt"   # JIT warm-up
wait_written
redis config resetstat >/dev/null
c0=$(counted); r0=$(metric 'engagement_events_received_total{type="ping"'); t0=$(date +%s.%N)
wrk -t2 -c64 -d"${seconds}s" -s bench/pings.lua "$svc" >"$out/pings.txt"
wait_written
t1=$(date +%s.%N)
c1=$(counted); r1=$(metric 'engagement_events_received_total{type="ping"')
calls=$(redis_calls); scripts=$(script_calls)
dropped=$(curl -s "$svc/metrics" | awk '/^engagement_events_dropped_total/ && $NF > 0 {sub(/.*reason="/, "", $1); sub(/".*/, "", $1); printf "%s%s=%d", sep, $1, $NF; sep = " "}')
non2xx=$(awk '/Non-2xx/ {print $NF; f = 1} END {if (!f) print 0}' "$out/pings.txt")
accepted=$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$out/pings.txt")
awk -v n=$((c1 - c0)) -v r=$((r1 - r0)) -v a="$t0" -v b="$t1" -v c="$calls" -v s="${scripts:-0}" -v acc="$accepted" \
  -v bad="$non2xx" -v sec="$seconds" -v dropped="${dropped:-none}" -v readers="$(curl -s "$svc/metrics" | awk '/^engagement_readers_now / {print $2}')" \
  'BEGIN {printf "pings: %s req/s accepted over %s s (%s non-2xx), %d received, %d written to Redis = %.0f pings/s sustained; Redis: %.3f commands per ping (%.4f script calls per ping); readers now at the end: %s; dropped since start: %s\n",
    acc, sec, bad, r, n, n / (b - a), (n > 0 ? c / n : 0), (n > 0 ? s / n : 0), readers, dropped}' | tee "$out/pings-summary.txt"
