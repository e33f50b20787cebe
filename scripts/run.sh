#!/usr/bin/env bash
# Runs the service on :8080 (HTTP_PORT) on a fresh machine.
# When REDIS_URL / CLICKHOUSE_URL are not set and nothing answers on the default ports, it installs
# Redis and ClickHouse from Debian's packages and starts private ones it owns (data in .local-stores/),
# stopped again when the service exits.
set -euo pipefail
cd "$(dirname "$0")/.."

stores=$PWD/.local-stores
own_stores=false
answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [ -z "${REDIS_URL:-}" ] && ! answers 6379; then
  scripts/stores.sh start-redis "$stores" 6379
  own_stores=true
  echo "started a local Redis on :6379 (data in $stores/redis)"
fi
if [ -z "${CLICKHOUSE_URL:-}" ] && ! answers 8123; then
  scripts/stores.sh start-clickhouse "$stores" 8123
  own_stores=true
  echo "started a local ClickHouse on :8123 (data in $stores/clickhouse)"
fi

if [ ! -f target/engagement-service.jar ] || [ -n "$(find src pom.xml -newer target/engagement-service.jar -print -quit)" ]; then
  mvn -B -q package -DskipTests
fi

export TZ=UTC
if $own_stores; then
  trap 'scripts/stores.sh stop "$stores"' EXIT
  java -Duser.timezone=UTC -jar target/engagement-service.jar
else
  exec java -Duser.timezone=UTC -jar target/engagement-service.jar
fi
