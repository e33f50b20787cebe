#!/usr/bin/env bash
# A black-box run as a new user would do it: a clean clone, the README's run command, then a scripted
# traffic trace (BlackBoxIT) against it whose numbers must equal the trace's ground truth.
#   scripts/blackbox.sh        (uses port 8080, and 6379/8123 for the stores run.sh starts)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/engagement-blackbox.XXXXXX")
git clone -q "$src" "$work/clone"
cd "$work/clone"

# The trace sends visitors' addresses in X-Forwarded-For from loopback, like a load balancer would.
export TRUSTED_PROXIES=127.0.0.1 RATE_LIMIT_PER_MINUTE=0 EDITOR_TOKEN=blackbox-token
bash scripts/run.sh >"$work/run.log" 2>&1 &
runner=$!
stop() {
  # SIGTERM to the service: run.sh's java child (or run.sh itself when it exec'd java) drains and exits.
  pkill -TERM -P "$runner" -f engagement-service.jar 2>/dev/null || kill -TERM "$runner" 2>/dev/null || true
  wait "$runner" 2>/dev/null || true
  echo "--- run.sh output ---"; tail -20 "$work/run.log"
}
trap stop EXIT
for _ in $(seq 1 300); do
  curl -sf -o /dev/null http://127.0.0.1:8080/v1/articles/probe && break
  kill -0 "$runner" 2>/dev/null || { cat "$work/run.log"; exit 1; }
  sleep 1
done
BLACKBOX_URL=http://127.0.0.1:8080 mvn -B -q verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='BlackBoxIT'
echo "black-box run passed: the README's run command served exactly the trace's ground truth"
