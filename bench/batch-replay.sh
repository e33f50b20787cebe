#!/usr/bin/env bash
# Redis CPU per view of counting/apply-batch.lua alone, by the number of views per call: long-tail views
# of new visitors (5 000 articles, Zipf s=1, no referrer, 16 shards) made into calls by Batch.encode
# itself (news.engagement.counting.BatchReplay, so the layout can never drift from the service's), sent
# one at a time into a fresh Redis with AOF on, as scripts/stores.sh runs it, after as many warm-up views.
# Compares script and key-model changes on identical calls. Port: REPLAY_PORT (default 16790). A variant:
# REPLAY_OPTS="-Dreplay.script=path/to/variant.lua" (or -Dreplay.source=LABEL, default direct:direct).
#   bench/batch-replay.sh [views per size, default 300000] [sizes, default "20 300 2000 4000"]
set -euo pipefail
cd "$(dirname "$0")/.."
views=${1:-300000}; sizes=${2:-20 300 2000 4000}
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
  java ${REPLAY_OPTS:-} -cp "target/classes:target/test-classes:$(cat target/replay-classpath.txt)" news.engagement.counting.BatchReplay \
    "$port" "$views" "$size" "$views"
done
