#!/usr/bin/env bash
# The HTTP paths as ratios to a bare Vert.x server, all measured in this same run with the same load:
#   ingest    wrk -t2 -c64 bench/events.lua (one view per request, a new visitor each) vs bare POST -> 204
#   longtail  the same over 5 000 long-tail articles: Redis commands per counted view, Redis CPU per event
#   reads     wrk -t2 -c64 bench/reads-longtail.lua (GET /v1/articles/{id}, 5 000 long-tail articles)
#             vs bare GET of a fixed article JSON
#   mixed     ingest (wrk -t1 -c32) and reads (wrk -t1 -c16) at once vs each alone; and a control: the
#             same ingest with the reads sent to the bare server (the machine's floor for a read's tail)
#   paced     the mixed run with reads at about 5 500 req/s (bench/reads-paced.lua: 2 ms between requests)
#   alone     ingest with Redis shut down (events buffered): the HTTP path with the cores to itself
#   cluster   long-tail ingest against a local 3-master Redis Cluster, with and without the replica WAIT
#   scripts/bench.sh [seconds per measured run, default 15]       (12 to 20 minutes at 15: warm-ups adapt)
# Prints one table and writes it to target/bench/summary.txt. Needs 2+ cores free of other work.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
# Ports: BENCH_PORT (default 16590) for Redis, +2000 ClickHouse (and +2001), +2005 bare server, +2006 service.
rp=${BENCH_PORT:-16590}; cp=$((rp + 2000)); bp=$((rp + 2005)); sp=$((rp + 2006))
warm=$(( seconds < 10 ? seconds : 10 ))
# The service is far more code than the bare server: on 2 busy cores C2 still compiles a minute after
# start (an async-profiler profile 30 s into ingest: the compiler threads 28 % of the JVM's samples; 45 to
# 125 compilations a second 40 to 60 s after start, 2026-12-03). A running service is past that, so every
# warm-up lasts until the JIT has settled: at least its minimum (SERVICE_WARMUP, default 45 s, for the
# first ingest, READS_WARMUP, default 25 s, for the reads, the bare server the same), then 5 s more at a
# time until two 5 s stretches in a row had the JIT compilers at most WARMUP_JIT_QUIET (default 0.05) of a core, at most
# WARMUP_MAX (default 180) s in all. The table prints each warm-up's length, and the JIT compilers' share
# of a core in each measured run, so a JIT still busy shows.
service_warm=${SERVICE_WARMUP:-45}
reads_warm=${READS_WARMUP:-25}
out=target/bench
# The service's JVM options: as scripts/run.sh starts it (scripts/service-java-opts: Shenandoah, a heap
# fixed and touched at start); SERVICE_JAVA_OPTS to compare (e.g. -XX:+UseZGC).
svc_java=${SERVICE_JAVA_OPTS-$(cat scripts/service-java-opts)}
mkdir -p "$out"
stores=$(mktemp -d "${TMPDIR:-/tmp}/engagement-bench.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  scripts/stores.sh stop "$stores"
  cp "$stores/redis/redis.log" "$out/redis.log" 2>/dev/null || true   # kept: AOF rewrites, fsync stalls
  rm -rf "$stores"
}
trap cleanup EXIT

scripts/stores.sh packages wrk redis-server clickhouse-server clickhouse-client curl
scripts/stores.sh start "$stores" "$rp" "$cp"
mvn -B -q package -DskipTests
mvn -B -q dependency:build-classpath -Dmdep.outputFile="$out/classpath.txt" -Dmdep.includeScope=test

svc=http://127.0.0.1:$sp
bare=http://127.0.0.1:$bp
redis() { redis-cli -p "$rp" "$@"; }
wait_port() { for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.2; done; return 1; }
rps() { awk '/Requests\/sec/ {printf "%.0f", $2}' "$1"; }
# The 99th percentile of a `wrk --latency` report, in milliseconds.
p99() { awk '$1 == "99%" {v = $2; u = v; gsub(/[0-9.]/, "", u); gsub(/[a-z]/, "", v);
  printf "%.1f", (u == "us" ? v / 1000 : (u == "s" ? v * 1000 : v))}' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }
non2xx() { awk '/Non-2xx/ {print $NF; f = 1} END {if (!f) print 0}' "$1"; }
load() { # name threads connections seconds script url [extra wrk args]
  local name=$1 t=$2 c=$3 d=$4 script=$5 url=$6; shift 6
  wrk -t"$t" -c"$c" -d"${d}s" "$@" -s "$script" "$url" >"$out/$name.txt"
}

# CPU ticks of a JVM's JIT compiler threads.
jit_ticks_of() { cat /proc/"$1"/task/*/stat 2>/dev/null | awk '/\(C[12] CompilerThre/ {sub(/.*\) /, ""); s += $12 + $13} END {print s + 0}'; }
warmups=()
warm() { # pid threads connections min-seconds script url label: the warm-up described above
  local pid=$1 t=$2 c=$3 total=$4 script=$5 url=$6 j0 quiet calm=0
  load warm "$t" "$c" "$total" "$script" "$url"
  while [ "$total" -lt "${WARMUP_MAX:-180}" ]; do
    j0=$(jit_ticks_of "$pid")
    load warm "$t" "$c" 5 "$script" "$url"
    total=$((total + 5))
    quiet=$(awk -v a="$j0" -v b="$(jit_ticks_of "$pid")" -v hz="$(getconf CLK_TCK)" -v q="${WARMUP_JIT_QUIET:-0.05}" \
      'BEGIN {print ((b - a) / hz / 5 <= q) ? 1 : 0}')
    # Two quiet stretches in a row: C2 compiles in bursts, one quiet stretch was followed by a measured
    # run at 0.14 of a core (14:21 UTC 2026-12-03).
    if [ "$quiet" = 1 ]; then calm=$((calm + 1)); else calm=0; fi
    [ "$calm" -ge 2 ] && break
  done
  warmups+=("$7 ${total} s")
}

# --- the bare server: POST -> 204, GET -> a fixed article ---
java -cp "target/classes:target/test-classes:$(cat "$out/classpath.txt")" news.engagement.bench.BareServer "$bp" >"$out/bare.log" 2>&1 &
pids+=($!)
wait_port "$bp"
warm "${pids[0]}" 2 64 "$service_warm" bench/events.lua "$bare" "bare POST"
load bare-post 2 64 "$seconds" bench/events.lua "$bare"
warm "${pids[0]}" 2 64 "$reads_warm" bench/reads-longtail.lua "$bare" "bare GET"
load bare-get 2 64 "$seconds" bench/reads-longtail.lua "$bare" --latency
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true

# --- the service ---
# MAX_PENDING_EVENTS: the run with Redis away buffers its warm-up and its measured run (25 s at up to
# 240 000 req/s) without a 503; at 2 000 000 a fast run filled the buffer and answered half its requests
# with the cheaper 503 (12:46 UTC 2026-12-02), which is not the ingest path it measures.
REDIS_URL=redis://127.0.0.1:$rp CLICKHOUSE_URL=http://127.0.0.1:$cp HTTP_PORT=$sp TRUSTED_PROXIES=127.0.0.1 RATE_LIMIT_PER_MINUTE=0 \
  MAX_PENDING_EVENTS=6000000 VISITOR_SECRET=$(openssl rand -hex 32) java $svc_java -jar target/engagement-service.jar >"$out/service.log" 2>&1 &
pids+=($!)
wait_port "$sp"
metric() { curl -s "$svc/metrics" | awk -v m="$1" 'index($0, m) == 1 {s += $NF} END {printf "%d", s}'; }
applied() { echo $(( $(metric engagement_events_counted_total) + $(metric 'engagement_events_dropped_total{reason="duplicate"') )); }
wait_drained() { for _ in $(seq 1 1200); do [ "$(metric engagement_events_pending)" = "0" ] && return 0; sleep 0.1; done; return 1; }
# Calls of every command, scripts' inner commands included, less the script calls and our own probes.
redis_calls() { redis info commandstats | awk -F'[:=,]' '/^cmdstat_/ && $1 !~ /cmdstat_(evalsha|eval|info|config)$/ {s += $3} END {print s + 0}'; }
redis_cpu_us() { redis info cpu | awk -F: '/^used_cpu_(sys|user):/ {s += $2} END {printf "%.0f", s * 1000000}'; }
# The AOF rewrites' forked children (INFO's used_cpu_*_children): a rewrite starts each time the AOF has
# doubled, so its cost follows the write rate; not in the figure above, printed beside it.
redis_child_cpu_us() { redis info cpu | awk -F: '/^used_cpu_(sys|user)_children:/ {s += $2} END {printf "%.0f", s * 1000000}'; }

warm "${pids[1]}" 2 64 "$service_warm" bench/events.lua "$svc" "ingest"
wait_drained   # the warm-up's backlog is not part of the measured run
redis config resetstat >/dev/null
# CPU ticks of the service's JIT compiler threads, to print their share of the measured ingest run.
jit_ticks() { jit_ticks_of "${pids[1]}"; }
jit_share() { awk -v a="$1" -v b="$(jit_ticks)" -v hz="$(getconf CLK_TCK)" -v d="$seconds" 'BEGIN {printf "JIT %.2f", (b - a) / hz / d}'; }
jit0=$(jit_ticks)
before=$(applied); start=$(date +%s.%N)
load ingest 2 64 "$seconds" bench/events.lua "$svc"
jit_ingest=$(jit_share "$jit0")
# Accepted is not counted: wait until Redis has applied everything accepted, then take the rate.
wait_drained
end=$(date +%s.%N); after=$(applied)
applied_rate=$(awk -v n=$((after - before)) -v a="$start" -v b="$end" 'BEGIN {printf "%.0f", n / (b - a)}')
drain=$(awk -v a="$start" -v b="$end" -v d="$seconds" 'BEGIN {printf "%.1f", b - a - d}')
script_usec=$(redis info commandstats | awk -F'[=,]' '/cmdstat_evalsha/ {print $6}')

# Long-tail ingest: what a counted view costs Redis (issue 9's figures).
views_before=$(metric 'engagement_events_counted_total{type="view"'); applied_before=$(applied)
calls_before=$(redis_calls); cpu_before=$(redis_cpu_us); child_before=$(redis_child_cpu_us); lt_start=$(date +%s.%N)
load longtail 2 64 "$seconds" bench/events-longtail.lua "$svc"
wait_drained
lt_end=$(date +%s.%N)
views=$(( $(metric 'engagement_events_counted_total{type="view"') - views_before ))
events=$(( $(applied) - applied_before ))
calls=$(( $(redis_calls) - calls_before )); cpu=$(( $(redis_cpu_us) - cpu_before )); child=$(( $(redis_child_cpu_us) - child_before ))
per_view=$(awk -v c="$calls" -v v="$views" 'BEGIN {printf "%.2f", (v > 0 ? c / v : 0)}')
cpu_per_event=$(awk -v c="$cpu" -v e="$events" 'BEGIN {printf "%.2f", (e > 0 ? c / e : 0)}')
child_per_event=$(awk -v c="$child" -v e="$events" 'BEGIN {printf "%.2f", (e > 0 ? c / e : 0)}')
lt_rate=$(awk -v n="$events" -v a="$lt_start" -v b="$lt_end" 'BEGIN {printf "%.0f", n / (b - a)}')

# Reads alone, over the articles the long-tail run just wrote.
warm "${pids[1]}" 2 64 "$reads_warm" bench/reads-longtail.lua "$svc" "reads"
jit0=$(jit_ticks)
load reads 2 64 "$seconds" bench/reads-longtail.lua "$svc" --latency
jit_reads=$(jit_share "$jit0")

# Mixed: each alone at its share of the load generator, then both at once.
load ingest-t1 1 32 "$seconds" bench/events.lua "$svc"
wait_drained
load reads-t1 1 16 "$seconds" bench/reads-longtail.lua "$svc" --latency
load mixed-ingest 1 32 "$seconds" bench/events.lua "$svc" &
mixed_pid=$!
load mixed-reads 1 16 "$seconds" bench/reads-longtail.lua "$svc" --latency
wait "$mixed_pid"
wait_drained
# Paced: the same ingest, reads at about 5 500 req/s (bench/reads-paced.lua) rather than as fast as wrk can.
load paced-ingest 1 32 "$seconds" bench/events.lua "$svc" &
paced_pid=$!
load paced-reads 1 16 "$seconds" bench/reads-paced.lua "$svc" --latency
wait "$paced_pid"
wait_drained
# Control: the same ingest into the service, the reads to the bare server (a fixed JSON, no cache, no
# Redis). Its read tail is what this machine gives any read while the service ingests at full rate.
java -cp "target/classes:target/test-classes:$(cat "$out/classpath.txt")" news.engagement.bench.BareServer "$bp" >"$out/bare2.log" 2>&1 &
bare_again=$!
pids+=("$bare_again")
wait_port "$bp"
load warm 1 16 3 bench/reads-longtail.lua "$bare"
load control-ingest 1 32 "$seconds" bench/events.lua "$svc" &
control_pid=$!
load control-reads 1 16 "$seconds" bench/reads-longtail.lua "$bare" --latency
wait "$control_pid"
kill "$bare_again"; wait "$bare_again" 2>/dev/null || true
wait_drained

# The HTTP ingest path alone: with Redis shut down, accepted events wait in the bounded buffer, so the
# service gets the cores that Redis took above (as the bare server had them).
redis shutdown nosave >/dev/null 2>&1 || true
warm "${pids[1]}" 2 64 "$warm" bench/events.lua "$svc" "Redis away"   # past the moment Redis left
jit0=$(jit_ticks)
load ingest-alone 2 64 "$seconds" bench/events.lua "$svc"
jit_alone=$(jit_share "$jit0")

# --- the same long-tail ingest against a local Redis Cluster (3 masters, 3 replicas), with and without
# the replica WAIT after each batch script (BENCH_CLUSTER=0 skips this part) ---
cluster_line="cluster: skipped (BENCH_CLUSTER=0)"
if [ "${BENCH_CLUSTER:-1}" != 0 ]; then
  kill "${pids[1]}"; wait "${pids[1]}" 2>/dev/null || true
  scripts/stores.sh start-cluster "$stores" $((rp + 300))
  masters() { for p in $(seq $((rp + 300)) $((rp + 305))); do
    redis-cli -p "$p" info replication | grep -q role:master && echo "$p"; done; }
  cluster_calls() { for p in $(masters); do redis-cli -p "$p" info commandstats; done \
    | awk -F'[:=,]' '/^cmdstat_/ && $1 !~ /cmdstat_(evalsha|eval|info|config|cluster|ping|wait)$/ {s += $3} END {print s + 0}'; }
  cluster_run() { # wait-replicas name
    REDIS_URL="redis-cluster://127.0.0.1:$((rp + 300)),127.0.0.1:$((rp + 301)),127.0.0.1:$((rp + 302))" \
      REDIS_WAIT_REPLICAS=$1 CLICKHOUSE_URL=http://127.0.0.1:$cp HTTP_PORT=$sp TRUSTED_PROXIES=127.0.0.1 RATE_LIMIT_PER_MINUTE=0 \
      MAX_PENDING_EVENTS=2000000 VISITOR_SECRET=$(openssl rand -hex 32) java $svc_java -jar target/engagement-service.jar \
      >"$out/service-$2.log" 2>&1 &
    local pid=$!
    wait_port "$sp"
    load warm 2 64 "$warm" bench/events-longtail.lua "$svc"
    wait_drained
    local a0 c0 t0 t1 n
    a0=$(applied); c0=$(cluster_calls); v0=$(metric 'engagement_events_counted_total{type="view"'); t0=$(date +%s.%N)
    load "$2" 2 64 "$seconds" bench/events-longtail.lua "$svc"
    wait_drained
    t1=$(date +%s.%N); n=$(( $(applied) - a0 ))
    local v=$(( $(metric 'engagement_events_counted_total{type="view"') - v0 ))
    kill "$pid"; wait "$pid" 2>/dev/null || true
    awk -v n="$n" -v a="$t0" -v b="$t1" -v c="$(( $(cluster_calls) - c0 ))" -v v="$v" -v r="$(rps "$out/$2.txt")" \
      'BEGIN {printf "%.0f events/s applied (%s req/s accepted), %.2f commands per counted view", n / (b - a), r, (v > 0 ? c / v : 0)}'
  }
  with_wait=$(cluster_run 1 cluster-wait)
  without_wait=$(cluster_run 0 cluster-nowait)
  cluster_line="cluster, 3 masters on these 2 cores, long-tail ingest: WAIT 1 after each batch: $with_wait; without WAIT: $without_wait"
fi

row() { printf '| %-44s | %9s | %8s | %-26s |\n' "$@"; }
{
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)  machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -m); wrk, service and Redis share the cores; service JVM: ${svc_java:-defaults}"
  echo "runs: ${seconds} s each after warm-up (warm-ups until the JIT settled: $(IFS=,; echo "${warmups[*]}" | sed 's/,/, /g'); JIT = the service's JIT compilers' share of a core in that run); articles: bench/events.lua 500, *-longtail.lua 5 000 (Zipf s=1)"
  echo
  row "run" "req/s" "p99 ms" "ratio"
  row "---" "---" "---" "---"
  row "bare Vert.x POST -> 204 (-t2 -c64)" "$(rps "$out/bare-post.txt")" "" "1"
  row "ingest POST /v1/events (-t2 -c64)" "$(rps "$out/ingest.txt")" "" "$(ratio "$(rps "$out/ingest.txt")" "$(rps "$out/bare-post.txt")") of bare POST; $jit_ingest"
  row "ingest, Redis away (-t2 -c64)" "$(rps "$out/ingest-alone.txt")" "" "$(ratio "$(rps "$out/ingest-alone.txt")" "$(rps "$out/bare-post.txt")") of bare POST; $jit_alone"
  row "bare Vert.x GET fixed article (-t2 -c64)" "$(rps "$out/bare-get.txt")" "$(p99 "$out/bare-get.txt")" "1"
  row "reads GET /v1/articles/{id} (-t2 -c64)" "$(rps "$out/reads.txt")" "$(p99 "$out/reads.txt")" "$(ratio "$(rps "$out/reads.txt")" "$(rps "$out/bare-get.txt")") of bare GET; $jit_reads"
  row "ingest alone (-t1 -c32)" "$(rps "$out/ingest-t1.txt")" "" ""
  row "reads alone (-t1 -c16)" "$(rps "$out/reads-t1.txt")" "$(p99 "$out/reads-t1.txt")" ""
  row "mixed: ingest (-t1 -c32)" "$(rps "$out/mixed-ingest.txt")" "" "$(ratio "$(rps "$out/mixed-ingest.txt")" "$(rps "$out/ingest-t1.txt")") of ingest alone"
  row "mixed: reads (-t1 -c16)" "$(rps "$out/mixed-reads.txt")" "$(p99 "$out/mixed-reads.txt")" "$(ratio "$(rps "$out/mixed-reads.txt")" "$(rps "$out/reads-t1.txt")") of reads alone"
  row "paced mixed: ingest (-t1 -c32)" "$(rps "$out/paced-ingest.txt")" "" "$(ratio "$(rps "$out/paced-ingest.txt")" "$(rps "$out/ingest-t1.txt")") of ingest alone"
  row "paced mixed: reads (-t1 -c16, 2 ms pause)" "$(rps "$out/paced-reads.txt")" "$(p99 "$out/paced-reads.txt")" "$(ratio "$(rps "$out/paced-reads.txt")" 863) of v1's 863"
  row "control: bare GET during ingest (-t1 -c16)" "$(rps "$out/control-reads.txt")" "$(p99 "$out/control-reads.txt")" "ingest $(rps "$out/control-ingest.txt") req/s"
  echo
  echo "applied to Redis (sustained, events.lua): $applied_rate events/s ($(ratio "$applied_rate" "$(rps "$out/bare-post.txt")") of bare POST) over the run plus ${drain} s to drain; ${script_usec} us per batch script call"
  echo "long-tail ingest, one Redis: $views counted views, $events applied events, $lt_rate events/s applied ($(ratio "$lt_rate" "$(rps "$out/bare-post.txt")") of bare POST); Redis commands per counted view: $per_view; Redis CPU per applied event: $cpu_per_event us (AOF rewrite children: $child_per_event us more)"
  echo "$cluster_line"
  echo "non-2xx answers: ingest $(non2xx "$out/ingest.txt"), ingest with Redis away $(non2xx "$out/ingest-alone.txt") (503 once MAX_PENDING_EVENTS wait: should be 0), reads $(non2xx "$out/reads.txt"), mixed reads $(non2xx "$out/mixed-reads.txt"), mixed ingest $(non2xx "$out/mixed-ingest.txt")"
} | tee "$out/summary.txt"
