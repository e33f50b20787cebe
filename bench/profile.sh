#!/usr/bin/env bash
# A CPU profile of 15 s of single-event ingest (wrk -t2 -c64 bench/events.lua), or of article reads
# (PROFILE_LOAD=reads: bench/reads-longtail.lua, after 10 s of long-tail ingest wrote the articles), taken with async-profiler
# (Maven Central, tools.profiler:async-profiler 4.2) attached after the warm-up, so JIT and start-up are
# not in it:
#   bench/profile.sh MODE [OUT]     MODE: redis  the service with its own Redis and ClickHouse
#                                         away   the same after Redis is shut down (events buffered)
#                                         bare   the bare Vert.x server (news.engagement.bench.BareServer)
# Writes OUT.collapsed (one line per stack and its samples: flame-graph input; grep it for a frame's
# share) and OUT.wrk, and prints the request rate and the top frames of our own code. OUT defaults to
# target/bench/profile-MODE. Environment: NOPROF=1 measures without the profiler (for A/B pairs),
# INTERVAL (default 997us), SERVICE_JAVA_OPTS as scripts/run.sh, PROFILE_EVENT (default cpu; e.g. alloc).
# Ports: BENCH_PORT + 10 for Redis (default 16600), +2000 ClickHouse, +2006 the service, +2005 bare.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:?redis, away or bare}
outp=${2:-target/bench/profile-$mode}
rp=$(( ${BENCH_PORT:-16590} + 10 )); cp=$((rp + 2000)); bp=$((rp + 2005)); sp=$((rp + 2006))
mkdir -p target/bench "$(dirname "$outp")"
outp=$(cd "$(dirname "$outp")" && pwd)/$(basename "$outp")
scripts/stores.sh packages wrk redis-server clickhouse-server clickhouse-client curl unzip
[ -f target/engagement-service.jar ] || mvn -B -q package -DskipTests
[ -f target/bench/classpath.txt ] || mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/bench/classpath.txt -Dmdep.includeScope=test
ap=target/bench/async-profiler/linux-x64/libasyncProfiler.so
if [ -z "${NOPROF:-}" ] && [ ! -f "$ap" ]; then
  mvn -B -q dependency:get -Dartifact=tools.profiler:async-profiler:4.2
  unzip -q -o "$HOME/.m2/repository/tools/profiler/async-profiler/4.2/async-profiler-4.2.jar" 'linux-x64/*' \
    -d target/bench/async-profiler
fi
stores=; pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  [ -n "$stores" ] && scripts/stores.sh stop "$stores" >/dev/null && rm -rf "$stores" || true
}
trap cleanup EXIT
wait_port() { for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.2; done; return 1; }
if [ "$mode" = bare ]; then
  java -cp "target/classes:target/test-classes:$(cat target/bench/classpath.txt)" news.engagement.bench.BareServer "$bp" \
    >target/bench/profile-bare.log 2>&1 &
  pid=$!; port=$bp
else
  stores=$(mktemp -d "${TMPDIR:-/tmp}/engagement-profile.XXXXXX")
  scripts/stores.sh start "$stores" "$rp" "$cp" >/dev/null
  # shellcheck disable=SC2046
  REDIS_URL=redis://127.0.0.1:$rp CLICKHOUSE_URL=http://127.0.0.1:$cp HTTP_PORT=$sp TRUSTED_PROXIES=127.0.0.1 \
    RATE_LIMIT_PER_MINUTE=0 MAX_PENDING_EVENTS=6000000 VISITOR_SECRET=$(openssl rand -hex 32) \
    java ${SERVICE_JAVA_OPTS-$(cat scripts/service-java-opts)} -jar target/engagement-service.jar >target/bench/profile-service.log 2>&1 &
  pid=$!; port=$sp
fi
url=http://127.0.0.1:$port
wait_port "$port"
load=bench/events.lua
if [ "${PROFILE_LOAD:-ingest}" = reads ]; then
  load=bench/reads-longtail.lua
  [ "$mode" = bare ] || wrk -t2 -c64 -d10s -s bench/events-longtail.lua "$url" >/dev/null
fi
wrk -t2 -c64 -d30s -s "$load" "$url" >/dev/null   # JIT warm-up
if [ "$mode" = away ]; then
  redis-cli -p "$rp" shutdown nosave >/dev/null 2>&1 || true
  wrk -t2 -c64 -d10s -s "$load" "$url" >/dev/null   # past the moment Redis left
fi
if [ -z "${NOPROF:-}" ]; then
  java bench/Attach.java "$pid" "$PWD/$ap" "start,event=${PROFILE_EVENT:-cpu},interval=${INTERVAL:-997us}"
fi
wrk -t2 -c64 -d15s -s "$load" "$url" >"$outp.wrk"
if [ -z "${NOPROF:-}" ]; then
  java bench/Attach.java "$pid" "$PWD/$ap" "stop,file=$outp.collapsed,collapsed"
fi
grep Requests/sec "$outp.wrk"
if [ -z "${NOPROF:-}" ]; then
  # A frame's share: the samples of every stack it is on (once per stack), over all samples.
  awk '{n = $NF; total += n; $NF = ""; split($0, f, ";"); delete seen
        for (i in f) { g = f[i]; sub(/_\[[a-z]\]$/, "", g); gsub(/^ +| +$/, "", g)
          if (g ~ /^news\/engagement\// && !(g in seen)) { seen[g] = 1; s[g] += n } } }
       END { for (g in s) printf "%5.1f %%  %s\n", 100 * s[g] / total, g }' "$outp.collapsed" | sort -rn | head -25
  echo "profile: $outp.collapsed ($(awk '{t += $NF} END {print t}' "$outp.collapsed") samples)"
fi
