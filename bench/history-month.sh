#!/usr/bin/env bash
# The cost of history reads on a month of per-minute rows: generates ARTICLES x DAYS x 1440 rows (every
# article in every minute: the worst case) with INSERT ... SELECT FROM numbers() into a throwaway database,
# in the service's table layout (the DDL of Schema.createRowsTable on one server), merges them as
# ClickHouse would over the month, then runs the service's and the dashboards' queries over 30 days and
# prints what each read (system.query_log: rows, bytes, time, memory). Drops the database at the end
# unless KEEP=1 (REUSE=1 then runs only the queries again).
#   bench/history-month.sh [CLICKHOUSE_URL] [ARTICLES] [DAYS]     (defaults: http://127.0.0.1:8123 20000 30)
# Needs a ClickHouse of your own (scripts/stores.sh start-clickhouse DIR PORT): it writes ~articles x days
# x 1440 rows (864 M for the defaults, a few GB on disk) and keeps a core busy for minutes.
set -euo pipefail
url=${1:-http://127.0.0.1:8123}
articles=${2:-20000}
days=${3:-30}
db=${BENCH_DATABASE:-bench_history_month}
minutes=$((days * 1440))
rows=$((articles * minutes))
start=1777593600 # 2026-05-01T00:00:00Z: 30 days of May stay in one monthly partition

q() { # SQL [extra URL parameters]
  curl -sS --fail-with-body "$url/?${2:-}" --data-binary "$1"
}

parts() {
  q "SELECT count() FROM system.parts WHERE database = '$db' AND table = 'article_engagement_rows' AND active FORMAT TSV"
}
merging() {
  q "SELECT count() FROM system.merges WHERE database = '$db' AND table = 'article_engagement_rows' FORMAT TSV"
}

if [ "${REUSE:-0}" != 1 ]; then # REUSE=1 (with KEEP=1 before): only the queries, on the rows already there
  q "DROP DATABASE IF EXISTS $db"
  q "CREATE DATABASE $db"
  q "CREATE TABLE $db.article_engagement_rows (article_id String, minute DateTime, generation UInt64, views UInt64, likes Int64, shares UInt64, previews UInt64, version UInt64) ENGINE = ReplacingMergeTree(version) PARTITION BY toYYYYMM(minute) ORDER BY (article_id, minute, generation)"
  q "CREATE VIEW $db.article_engagement AS SELECT article_id, minute, views, likes, shares, previews FROM $db.article_engagement_rows FINAL"

  echo "generating $rows rows ($articles articles x $minutes minutes)"
  t0=$(date +%s)
  # Article-major order: each insert block holds whole runs of one article, as sorted parts need.
  q "INSERT INTO $db.article_engagement_rows SELECT concat('article-', toString(intDiv(number, $minutes))) AS article_id, toDateTime($start + (number % $minutes) * 60) AS minute, toUInt64(0), (number * 7919) % 17 AS views, toInt64((number * 104729) % 3) - 1, (number * 31) % 5 = 0, (number * 13) % 7 = 0, toUInt64(1) FROM numbers($rows)" \
    "max_threads=1&max_insert_block_size=4194304&max_block_size=1048576"
  t1=$(date +%s)
  echo "insert: $((t1 - t0)) s"
fi
# Merged as a month of history would be: OPTIMIZE ... FINAL does nothing while a background merge runs,
# so wait for those, then ask again until the month is one part.
t1=$(date +%s)
while [ "$(parts)" -gt 1 ]; do
  while [ "$(merging)" -gt 0 ]; do sleep 2; done
  [ "$(parts)" -gt 1 ] && q "OPTIMIZE TABLE $db.article_engagement_rows FINAL"
done
echo "merged to one part in $(( $(date +%s) - t1 )) s"
q "SELECT sum(rows) AS total_rows, count() AS parts, formatReadableSize(sum(bytes_on_disk)) AS on_disk FROM system.parts WHERE database = '$db' AND table = 'article_engagement_rows' AND active FORMAT TSVWithNames"

from="toDateTime($start)"
to="toDateTime($((start + days * 86400)))"
last_hour="toDateTime($((start + days * 86400 - 3600)))"
article="'article-4242'"
declare -a names=(
  "timeseries: one article, ${days} days, hourly (Schema.timeseries)"
  "per-article panel: table FINAL, article_id = and minute range"
  "per-article panel through the view (18.16: WHERE not pushed)"
  "top 25 articles, ${days} days (table FINAL)"
  "totals, ${days} days (table FINAL)"
  "totals, last hour (table FINAL: minute is not a key prefix)"
)
declare -a sqls=(
  "SELECT intDiv(toUInt32(minute), 3600) * 3600 AS t, sum(views), sum(likes), sum(shares), sum(previews) FROM $db.article_engagement_rows FINAL WHERE article_id = $article AND minute >= $from AND minute < $to GROUP BY t ORDER BY t"
  "SELECT toDateTime(intDiv(toUInt32(minute), 3600) * 3600) AS time, sum(views), sum(likes), sum(shares) FROM $db.article_engagement_rows FINAL WHERE article_id = $article AND minute >= $from AND minute <= $to GROUP BY time ORDER BY time"
  "SELECT toDateTime(intDiv(toUInt32(minute), 3600) * 3600) AS time, sum(views), sum(likes), sum(shares) FROM $db.article_engagement WHERE article_id = $article AND minute >= $from AND minute <= $to GROUP BY time ORDER BY time"
  "SELECT article_id, sum(views) AS views FROM $db.article_engagement_rows FINAL WHERE minute >= $from AND minute <= $to GROUP BY article_id ORDER BY views DESC, article_id LIMIT 25"
  "SELECT sum(views), sum(likes), sum(shares), sum(previews) FROM $db.article_engagement_rows FINAL WHERE minute >= $from AND minute <= $to"
  "SELECT sum(views), sum(likes), sum(shares), sum(previews) FROM $db.article_engagement_rows FINAL WHERE minute >= $last_hour AND minute <= $to"
)
ids=()
for i in "${!sqls[@]}"; do
  id="bench-month-$$-$i"
  ids+=("'$id'")
  q "${sqls[$i]} FORMAT Null" "query_id=$id&log_queries=1&max_threads=${BENCH_THREADS:-2}"
done
q "SYSTEM FLUSH LOGS"
echo "| query | rows read | bytes read | time | memory |"
echo "| --- | --- | --- | --- | --- |"
for i in "${!sqls[@]}"; do
  q "SELECT concat('| ${names[$i]} | ', toString(read_rows), ' | ', formatReadableSize(read_bytes), ' | ', toString(query_duration_ms), ' ms | ', formatReadableSize(memory_usage), ' |') FROM system.query_log WHERE query_id = ${ids[$i]} AND type = 2 FORMAT TSVRaw"
done
if [ "${KEEP:-0}" != 1 ]; then
  q "DROP DATABASE $db"
fi
