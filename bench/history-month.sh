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

parts() { # TABLE: active parts beyond one per partition
  q "SELECT count() - uniqExact(partition) FROM system.parts WHERE database = '$db' AND table = '$1' AND active FORMAT TSV"
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

  # The roll-up's tables (RollupSchema): the minute-ordered copy of the last RECENT_DAYS days (the very
  # rows above, by the same formulas, in minute-major order, as the materialized view writes them), the
  # hours and days of the whole range as the roll-up writes them, and the rolled periods.
  recent_days=${RECENT_DAYS:-2}
  q "CREATE TABLE $db.article_engagement_recent (article_id String, minute DateTime, generation UInt64, views UInt64, likes Int64, shares UInt64, previews UInt64, version UInt64) ENGINE = ReplacingMergeTree(version) PARTITION BY toYYYYMMDD(minute) ORDER BY (minute, article_id, generation)"
  q "CREATE TABLE $db.article_engagement_hours (hour DateTime, article_id String, views UInt64, likes Int64, shares UInt64, previews UInt64, version UInt64) ENGINE = ReplacingMergeTree(version) PARTITION BY toYYYYMM(hour) ORDER BY (hour, article_id)"
  q "CREATE TABLE $db.article_engagement_days (day DateTime, article_id String, views UInt64, likes Int64, shares UInt64, previews UInt64, version UInt64) ENGINE = ReplacingMergeTree(version) PARTITION BY toYYYYMM(day) ORDER BY (day, article_id)"
  q "CREATE TABLE $db.article_engagement_rolled (period String, start DateTime, version UInt64) ENGINE = ReplacingMergeTree(version) PARTITION BY toYYYYMM(start) ORDER BY (period, start)"
  t1=$(date +%s)
  recent_minutes=$((recent_days * 1440))
  q "INSERT INTO $db.article_engagement_recent SELECT concat('article-', toString(a)) AS article_id, toDateTime($start + m * 60), toUInt64(0), (n * 7919) % 17, toInt64((n * 104729) % 3) - 1, (n * 31) % 5 = 0, (n * 13) % 7 = 0, toUInt64(1) FROM (SELECT number % $articles AS a, $minutes - $recent_minutes + intDiv(number, $articles) AS m, a * $minutes + m AS n FROM numbers($((articles * recent_minutes))))" \
    "max_threads=1&max_insert_block_size=4194304&max_block_size=1048576"
  echo "recent copy: $((articles * recent_minutes)) rows (the last $recent_days days) in $(( $(date +%s) - t1 )) s"
  # The hours as the roll-up sums them: the rows' formulas summed per article and hour, 1 000 articles at a
  # time (reading the rows table back a day at a time took ~3 minutes a day here).
  t1=$(date +%s)
  chunk=1000
  for c in $(seq 0 $(( (articles + chunk - 1) / chunk - 1 ))); do
    n=$(( (articles - c * chunk < chunk ? articles - c * chunk : chunk) * minutes ))
    q "INSERT INTO $db.article_engagement_hours SELECT toDateTime($start + intDiv(n % $minutes, 60) * 3600) AS hour, concat('article-', toString(intDiv(n, $minutes))) AS article_id, sum((n * 7919) % 17), sum(toInt64((n * 104729) % 3) - 1), sum((n * 31) % 5 = 0), sum((n * 13) % 7 = 0), count() FROM (SELECT number + $((c * chunk * minutes)) AS n FROM numbers($n)) GROUP BY hour, article_id" "max_threads=2"
  done
  q "INSERT INTO $db.article_engagement_days SELECT toStartOfDay(hour) AS day, article_id, sum(views), sum(likes), sum(shares), sum(previews), sum(version) FROM $db.article_engagement_hours GROUP BY day, article_id" "max_threads=2"
  q "INSERT INTO $db.article_engagement_rolled SELECT 'hour', toDateTime($start + number * 3600), toUInt64(1) FROM numbers($((days * 24)))"
  q "INSERT INTO $db.article_engagement_rolled SELECT 'day', toDateTime($start + number * 86400), toUInt64(1) FROM numbers($days)"
  echo "hours and days rolled from the rows in $(( $(date +%s) - t1 )) s"
fi
# Merged as a month of history would be: OPTIMIZE ... FINAL does nothing while a background merge runs,
# so wait for those, then ask again until each partition is one part.
for table in article_engagement_rows site_engagement_minutes article_engagement_recent article_engagement_hours article_engagement_days; do
  t1=$(date +%s)
  while [ "$(parts $table)" -gt 0 ]; do
    while [ "$(merging $table)" -gt 0 ]; do sleep 2; done
    for p in $(q "SELECT partition FROM system.parts WHERE database = '$db' AND table = '$table' AND active GROUP BY partition HAVING count() > 1 FORMAT TSV"); do
      q "OPTIMIZE TABLE $db.$table PARTITION $p FINAL"
    done
  done
  echo "$table merged to one part per partition in $(( $(date +%s) - t1 )) s"
  q "SELECT '$table' AS name, sum(rows) AS total_rows, count() AS parts, formatReadableSize(sum(bytes_on_disk)) AS on_disk FROM system.parts WHERE database = '$db' AND table = '$table' AND active FORMAT TSVWithNames"
done

from="toDateTime($start)"
to="toDateTime($((start + days * 86400)))"
last_hour="toDateTime($((start + days * 86400 - 3600)))"
last_day="toDateTime($((start + days * 86400 - 86400)))"
article="'article-4242'"
# The top-articles panel as the dashboard has it, its Grafana macros substituted: a 30-day range that is
# not hour-aligned (13 head hours, 28 days, 10 tail hours), and the last 24 hours (hours only).
panel_sql=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print([p for p in d["panels"] if p["id"] == 4][0]["targets"][0]["rawSql"])' "$(dirname "$0")/../dashboards/editorial-traffic.json")
panel() { # FROM TO (epoch seconds)
  local s=${panel_sql//\$__fromTime/toDateTime($1)}
  s=${s//\$__toTime/toDateTime($2)}
  echo "${s//engagement./$db.}"
}
roll_hour=$((start + days * 86400 - 3 * 3600))
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
  "top-articles panel, ${days} days not hour-aligned (hours + days tables)"
  "top-articles panel, last 24 h (hours table)"
  "roll-up of one hour, all articles (RollupSchema.rollHour SELECT, minute-ordered copy FINAL)"
  "the same hour from the rows table FINAL (what the copy avoids)"
  "roll-up of one day from the hours (RollupSchema.rollDay SELECT)"
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
  "$(panel $((start + 37800)) $((start + days * 86400 - 48600)))"
  "$(panel $((start + days * 86400 - 86400 - 1800)) $((start + days * 86400 - 1800)))"
  "SELECT article_id, sum(views), sum(likes), sum(shares), sum(previews), sum(version) FROM $db.article_engagement_recent FINAL WHERE minute >= toDateTime($roll_hour) AND minute < toDateTime($((roll_hour + 3600))) GROUP BY article_id"
  "SELECT article_id, sum(views), sum(likes), sum(shares), sum(previews), sum(version) FROM $db.article_engagement_rows FINAL WHERE minute >= toDateTime($roll_hour) AND minute < toDateTime($((roll_hour + 3600))) GROUP BY article_id"
  "SELECT article_id, sum(views), sum(likes), sum(shares), sum(previews), sum(version) FROM $db.article_engagement_hours FINAL WHERE hour >= toDateTime($((start + days * 86400 - 86400))) AND hour < toDateTime($((start + days * 86400))) GROUP BY article_id"
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
# Exact: the panel over whole rolled hours equals the rows' FINAL sums over the same range (the 30-day
# top 25 above, here over the range the panel states), and the copy's hour equals the rows' hour.
a=$((start + 39600)); b=$((start + days * 86400 - 50400))
same() { # NAME SQL SQL
  if [ "$(q "$2 FORMAT TSV" | md5sum)" = "$(q "$3 FORMAT TSV" | md5sum)" ]; then echo "same: $1"; else echo "DIFFERENT: $1"; fi
}
same "panel, ${days} days, against the rows' FINAL sums over the range it states" \
  "SELECT article, views, likes, shares, previews FROM ($(panel $((start + 37800)) $((start + days * 86400 - 48600))))" \
  "SELECT article_id AS article, sum(views) AS views, sum(likes) AS likes, sum(shares) AS shares, sum(previews) AS previews FROM $db.article_engagement_rows FINAL WHERE minute >= toDateTime($a) AND minute < toDateTime($b) GROUP BY article_id ORDER BY views DESC, article_id LIMIT 25"
same "one hour rolled from the copy, against the rows" "${sqls[12]} ORDER BY article_id" "${sqls[13]} ORDER BY article_id"
if [ "${KEEP:-0}" != 1 ]; then
  q "DROP DATABASE $db"
fi
