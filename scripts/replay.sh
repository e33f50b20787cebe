#!/usr/bin/env bash
# The batch script alone against a fresh Redis (AOF on, as scripts/stores.sh starts it): long-tail views
# of new visitors, made into calls of a given size, sent one at a time; prints Redis CPU per view for
# each size. Compares script and key-model changes on identical calls (news.engagement.counting.BatchReplay).
#   scripts/replay.sh [views per size, default 300000] [sizes, default "100 300 1000"]
set -euo pipefail
cd "$(dirname "$0")/.."
views=${1:-300000}; sizes=${2:-100 300 1000}
port=${REPLAY_PORT:-16790}
scripts/stores.sh packages redis-server
mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/replay-classpath.txt -Dmdep.includeScope=test
dir=$(mktemp -d "${TMPDIR:-/tmp}/engagement-replay.XXXXXX")
trap 'redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
for size in $sizes; do
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "${dir:?}"/*
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --daemonize yes --logfile "$dir/redis.log" \
    --save "" --appendonly yes --appendfsync everysec --lazyfree-lazy-expire yes
  for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  java -cp "target/classes:target/test-classes:$(cat target/replay-classpath.txt)" news.engagement.counting.BatchReplay \
    "$port" "$views" "$size" "$views"
done
