#!/usr/bin/env bash
# Redis CPU per event of counting/apply-batch.lua alone, by the number of views per call: replays
# generated calls (bench/batch-calls.py: new visitors over 5 000 long-tail articles, 16 shards) into a Redis
# of its own with AOF on, as scripts/stores.sh runs it, after 400 warm-up calls.
#   bench/batch-replay.sh [views per call ...]        (default: 20 300 2000 4000; about 20 s each)
# Port: REPLAY_PORT (default 16790). Needs redis-server, redis-cli and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${REPLAY_PORT:-16790}
dir=$(mktemp -d "${TMPDIR:-/tmp}/batch-replay.XXXXXX")
trap 'redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
script=src/main/resources/news/engagement/counting/apply-batch.lua
cpu() { redis-cli -p "$port" info cpu | awk -F: '/^used_cpu_(sys|user):/ {s += $2} END {printf "%.0f", s * 1000000}'; }
echo "| views per call | calls | Redis CPU us per view | script us per call (wall) |"
echo "| --- | --- | --- | --- |"
for views in "${@:-20 300 2000 4000}"; do
  for v in $views; do
    redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
    rm -rf "${dir:?}"/*
    redis-server --port "$port" --dir "$dir" --daemonize yes --appendonly yes --appendfsync everysec --save '' \
      --logfile "$dir/log" >/dev/null
    for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    sha=$(redis-cli -p "$port" script load "$(cat "$script")")
    calls=$(( 400000 / v )); [ "$calls" -gt 5000 ] && calls=5000
    python3 bench/batch-calls.py "$sha" 400 "$v" warm >"$dir/warm.resp"
    python3 bench/batch-calls.py "$sha" "$calls" "$v" >"$dir/run.resp"
    redis-cli -p "$port" --pipe <"$dir/warm.resp" >/dev/null
    redis-cli -p "$port" config resetstat >/dev/null
    before=$(cpu)
    redis-cli -p "$port" --pipe <"$dir/run.resp" | grep -q "errors: 0" || { echo "replay errors at $v views per call" >&2; exit 1; }
    after=$(cpu)
    wall=$(redis-cli -p "$port" info commandstats | awk -F'[=,]' '/^cmdstat_evalsha/ {print $6}')
    awk -v v="$v" -v c="$calls" -v d=$((after - before)) -v w="$wall" \
      'BEGIN {printf "| %d | %d | %.2f | %.0f |\n", v, c, d / (v * c), w}'
  done
done
