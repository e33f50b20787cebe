#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what the tests need from Debian's packages,
# starts a private Redis and ClickHouse on their own ports, runs `mvn -B verify`, stops them.
# Ports can be moved with TEST_REDIS_PORT / TEST_CLICKHOUSE_PORT / TEST_REDIS_CLUSTER_PORT (six ports from
# there, and their bus ports +10000); extra Maven arguments pass through.
set -euo pipefail
cd "$(dirname "$0")/.."

redis_port=${TEST_REDIS_PORT:-16379}
ch_port=${TEST_CLICKHOUSE_PORT:-18123}
cluster_port=${TEST_REDIS_CLUSTER_PORT:-17000}
stores=$(mktemp -d "${TMPDIR:-/tmp}/engagement-test-stores.XXXXXX")
trap 'scripts/stores.sh stop "$stores"; rm -rf "$stores"' EXIT

scripts/stores.sh packages redis-server clickhouse-server clickhouse-client curl \
  chromium chromium-driver prometheus wrk docker-compose
scripts/stores.sh start "$stores" "$redis_port" "$ch_port"
scripts/stores.sh start-cluster "$stores" "$cluster_port"

export TZ=UTC
export TEST_REDIS_URL="redis://127.0.0.1:$redis_port"
export TEST_CLICKHOUSE_URL="http://127.0.0.1:$ch_port"
export TEST_REDIS_CLUSTER_URL="redis-cluster://127.0.0.1:$cluster_port,127.0.0.1:$((cluster_port + 1)),127.0.0.1:$((cluster_port + 2))"
export TEST_STORES_DIR="$stores"
mvn -B verify "$@"

# The same counting, top, trending, history, presence and black-box tests once more against the local Redis
# Cluster (3 masters, 3 replicas): the service under test gets REDIS_URL=redis-cluster://...
# (CLUSTER_TESTS may narrow or widen the list; an empty value skips this pass).
cluster_tests=${CLUSTER_TESTS-CountingRulesTest,QuarantineTest,JunkIdsTest,TopWindowsTest,TopTraceTest,TrendingTest,TopHttpTest,MinuteFlushTest,TimeseriesTest,ClickHouseOutageTest,LimitsTest,ClusterFaultTest,PresenceTest,SourcesTest,JunkReferrersTest}
if [ -n "$cluster_tests" ]; then
  echo "== the same tests against the Redis Cluster: $cluster_tests"
  TEST_REDIS_MODE=cluster mvn -B verify -Dtest="$cluster_tests" -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=BlackBoxIT,TwoInstancesIT -Dfailsafe.failIfNoSpecifiedTests=false "$@"
fi
