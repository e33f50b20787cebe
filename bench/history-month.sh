#!/usr/bin/env bash
# The cost of history reads on a month of per-minute rows: generates ARTICLES x DAYS x 1440 rows (every
# article in every minute: the worst case) with INSERT ... SELECT FROM numbers() into a throwaway database,
# in the service's table layout (the DDL of Schema.createRowsTable on one server), and the shards' per-minute
# totals the site-wide panels read (Schema.createSiteTable: SHARDS rows per minute, 16 by default, whatever
# the number of articles), merges them as ClickHouse would over the month, then runs the service's and the
# dashboards' queries over 30 days and prints what each read (system.query_log: rows, bytes, time, memory).
# Drops the database at the end unless KEEP=1 (REUSE=1 then runs only the queries again).
#   bench/history-month.sh [CLICKHOUSE_URL] [ARTICLES] [DAYS]     (defaults: http://127.0.0.1:8123 20000 30)
# The site table's figures do not depend on ARTICLES, so a short run (ARTICLES=2000: ~1 minute to generate)
# measures the site-wide panels as they would be for any site; the per-article tables scale with ARTICLES.
# Needs a ClickHouse of your own (scripts/stores.sh start-clickhouse DIR PORT): it writes ~articles x days
# x 1440 rows (864 M for the defaults, a few GB on disk) and keeps a core busy for minutes.
set -euo pipefail
url=${1:-http://127.0.0.1:8123}
articles=${2:-20000}
days=${3:-30}
db=${BENCH_DATABASE:-bench_history_month}
minutes=$((days * 1440))
rows=$((articles * minutes))
shards=${SHARDS:-16}
start=1777593600 # 2026-05-01T00:00:00Z: 30 days of May stay in one monthly partition

q() { # SQL [extra URL parameters]
  curl -sS --fail-with-body "$url/?${2:-}" --data-binary "$1"
}

parts() { # TABLE
  q "SELECT count() FROM system.parts WHERE database = '$db' AND table = '$1' AND active FORMAT TSV"
}
merging() { # TABLE
  q "SELECT count() FROM system.merges WHERE database = '$db' AND table = '$1' FORMAT TSV"
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
  q "CREATE TABLE $db.site_engagement_minutes (minute DateTime, shard String, generation UInt64, views UInt64, likes Int64, shares UInt64, previews UInt64, version UInt64) ENGINE = ReplacingMergeTree(version) PARTITION BY toYYYYMM(minute) ORDER BY (minute, shard, generation)"
  # Each shard's totals of its articles (about ARTICLES / SHARDS of them) in each minute.
  q "INSERT INTO $db.site_engagement_minutes SELECT toDateTime($start + intDiv(number, $shards) * 60), concat('e', toString(number % $shards), '.0'), toUInt64(0), toUInt64(intDiv($articles, $shards) * 8 + (number * 7919) % 17), toInt64(intDiv($articles, $shards) * ((number * 104729) % 3)) - intDiv($articles, $shards), intDiv($articles, $shards * 5), intDiv($articles, $shards * 7), toUInt64(1) FROM numbers($((minutes * shards)))"
  echo "site rows: $((minutes * shards)) ($shards shards x $minutes minutes) in $(( $(date +%s) - t1 )) s"
fi
# Merged as a month of history would be: OPTIMIZE ... FINAL does nothing while a background merge runs,
# so wait for those, then ask again until the month is one part.
for table in article_engagement_rows site_engagement_minutes; do
  t1=$(date +%s)
  while [ "$(parts $table)" -gt 1 ]; do
    while [ "$(merging $table)" -gt 0 ]; do sleep 2; done
    [ "$(parts $table)" -gt 1 ] && q "OPTIMIZE TABLE $db.$table FINAL"
  done
  echo "$table merged to one part in $(( $(date +%s) - t1 )) s"
  q "SELECT '$table' AS name, sum(rows) AS total_rows, count() AS parts, formatReadableSize(sum(bytes_on_disk)) AS on_disk FROM system.parts WHERE database = '$db' AND table = '$table' AND active FORMAT TSVWithNames"
done

from="toDateTime($start)"
to="toDateTime($((start + days * 86400)))"
last_hour="toDateTime($((start + days * 86400 - 3600)))"
last_day="toDateTime($((start + days * 86400 - 86400)))"
article="'article-4242'"
declare -a names=(
  "timeseries: one article, ${days} days, hourly (Schema.timeseries)"
  "per-article panel: table FINAL, article_id = and minute range"
  "per-article panel through the view (18.16: WHERE not pushed)"
  "top 25 articles, ${days} days (table FINAL)"
  "totals, ${days} days (table FINAL)"
  "totals, last hour (table FINAL: minute is not a key prefix)"
  "site panel Totals, ${days} days (site_engagement_minutes FINAL)"
  "site panel Views per minute, ${days} days, 30-minute points"
  "site panel Views per minute, last 24 h, 1-minute points"
  "site panel Totals, last hour"
)
declare -a sqls=(
  "SELECT intDiv(toUInt32(minute), 3600) * 3600 AS t, sum(views), sum(likes), sum(shares), sum(previews) FROM $db.article_engagement_rows FINAL WHERE article_id = $article AND minute >= $from AND minute < $to GROUP BY t ORDER BY t"
  "SELECT toDateTime(intDiv(toUInt32(minute), 3600) * 3600) AS time, sum(views), sum(likes), sum(shares) FROM $db.article_engagement_rows FINAL WHERE article_id = $article AND minute >= $from AND minute <= $to GROUP BY time ORDER BY time"
  "SELECT toDateTime(intDiv(toUInt32(minute), 3600) * 3600) AS time, sum(views), sum(likes), sum(shares) FROM $db.article_engagement WHERE article_id = $article AND minute >= $from AND minute <= $to GROUP BY time ORDER BY time"
  "SELECT article_id, sum(views) AS views FROM $db.article_engagement_rows FINAL WHERE minute >= $from AND minute <= $to GROUP BY article_id ORDER BY views DESC, article_id LIMIT 25"
  "SELECT sum(views), sum(likes), sum(shares), sum(previews) FROM $db.article_engagement_rows FINAL WHERE minute >= $from AND minute <= $to"
  "SELECT sum(views), sum(likes), sum(shares), sum(previews) FROM $db.article_engagement_rows FINAL WHERE minute >= $last_hour AND minute <= $to"
  "SELECT sum(views), sum(likes), sum(shares), sum(previews) FROM $db.site_engagement_minutes FINAL WHERE minute >= $from AND minute <= $to"
  "SELECT toDateTime(intDiv(toUInt32(minute), 1800) * 1800) AS time, sum(views) * 60 / 1800 FROM $db.site_engagement_minutes FINAL WHERE minute >= $from AND minute <= $to GROUP BY time ORDER BY time"
  "SELECT toDateTime(intDiv(toUInt32(minute), 60) * 60) AS time, sum(views) FROM $db.site_engagement_minutes FINAL WHERE minute >= $last_day AND minute <= $to GROUP BY time ORDER BY time"
  "SELECT sum(views), sum(likes), sum(shares), sum(previews) FROM $db.site_engagement_minutes FINAL WHERE minute >= $last_hour AND minute <= $to"
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
