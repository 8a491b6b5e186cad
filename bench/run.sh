#!/usr/bin/env bash
# feidi against the ceiling server, in the same run: wrk, 2 threads, 16 connections, loopback.
#   bench/run.sh [sqlite|postgres|both] [seconds per endpoint]
# Prints, per endpoint, requests/s, p50 and p99 latency and the ratio to the ceiling's figure,
# and feidi's peak memory (RSS) under the load. Needs wrk (Debian package wrk; installed if missing).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
which_db=${1:-both}
secs=${2:-10}
export FEIDI_BENCH_DIR=$here
work=$(mktemp -d /tmp/feidi-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }
if ! command -v wrk >/dev/null; then
  echo "== installing wrk" >&2
  as_root apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq wrk >/dev/null || true
fi
command -v wrk >/dev/null || { echo "bench: wrk is needed (Debian package wrk) and could not be installed" >&2; exit 1; }
(cd "$root" && cargo build --release --quiet)
feidi=$root/target/release/feidi

wait_for() { for _ in $(seq 1 600); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "bench: $1 never answered" >&2; exit 1; }

# wrk's summary → "rps p50_ms p99_ms"
measure() {
  local url=$1 script=$2
  wrk -t2 -c16 -d"${secs}s" --latency -s "$script" "$url" > "$work/wrk.txt" 2>&1 || true
  awk '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /Requests\/sec/ { rps=$2 }
    /^ +50%/ { p50=ms($2) }
    /^ +99%/ { p99=ms($2) }
    /Non-2xx/ { bad=$NF }
    END { printf "%s %.2f %.2f %s\n", rps, p50, p99, (bad==""?0:bad) }' "$work/wrk.txt"
}

echo "== building and starting the ceiling server" >&2
CARGO_TARGET_DIR=${CEILING_TARGET_DIR:-/tmp/feidi-ceiling-target} \
  cargo build --release --quiet --manifest-path "$root/../shared/bench/ceiling/Cargo.toml"
CEILING_DB=$work/ceiling.db "$root/../shared/bench/ceiling/run.sh" 127.0.0.1:18080 > "$work/ceiling.log" 2>&1 &
pids+=($!)
wait_for http://127.0.0.1:18080/hello
# A first round warms the ceiling up.
measure http://127.0.0.1:18080/row "$here/lua/common.lua" > /dev/null

run_one() {
  local backend=$1 url=$2
  echo "== $backend: generating 50,000 projects with 48 months of reports (2.4 million) and their land" >&2
  "$feidi" --database "$url" --log warn gen --projects 50000 --seed 1 --months 48 --appeals "${FEIDI_BENCH_APPEALS:-1000000}" --land >&2
  "$feidi" --database "$url" --log warn user add bench --role admin --password-stdin <<< "bench password 1" > /dev/null
  export FEIDI_TOKEN=$("$feidi" --database "$url" --log warn token issue bench)
  export FEIDI_ZONE_FIRST=1
  # This month takes new reports; the last month that has ended (all its reports awaiting
  # review in a generated programme; on a month's last day that is the month itself) gets
  # its reports approved.
  export FEIDI_MONTH_PUT=$(date +%Y-%m)
  if [ "$(date -d tomorrow +%d)" = 01 ]; then
    export FEIDI_MONTH_APPROVE=$(date +%Y-%m)
  else
    export FEIDI_MONTH_APPROVE=$(date -d "$(date +%Y-%m-01) -1 day" +%Y-%m)
  fi
  export FEIDI_AS_OF=$(date -d "$(date +%Y-%m-01) -17 months" +%Y-%m-%d)
  export FEIDI_OFFICIAL_TOKEN=$("$feidi" --database "$url" --log warn token issue official001)
  # The appeals' sweep is measured on its own below, so the server does not sweep by itself.
  "$feidi" --database "$url" --log warn serve --bind 127.0.0.1:18081 --sweep-every 0 > "$work/feidi-$backend.log" 2>&1 &
  local pid=$!
  pids+=($pid)
  wait_for http://127.0.0.1:18081/healthz
  # Every new appeal queues a webhook delivery; this receiver refuses connections, so each is
  # tried once (and recorded) and waits for its retry: a failing receiver under load. It is on
  # this machine, which an admin must allow first (webhooks refuse internal targets).
  curl -fs -X PUT -H "Authorization: Bearer $FEIDI_TOKEN" -H 'Content-Type: application/json' \
    -d '{"allow_internal":true}' http://127.0.0.1:18081/api/v1/settings/webhooks > /dev/null
  curl -fs -H "Authorization: Bearer $FEIDI_TOKEN" -H 'Content-Type: application/json' \
    -d '{"url":"http://127.0.0.1:9/hook","secret":"bench secret of sixteen+","events":["submitted"]}' \
    http://127.0.0.1:18081/api/v1/webhooks > /dev/null
  echo
  echo "### $backend (50,000 projects; wrk -t2 -c16 -d${secs}s)"
  echo
  echo "| endpoint | req/s | p50 ms | p99 ms | ceiling req/s just before | ratio | target |"
  echo "|---|---:|---:|---:|---:|---:|---|"
  for spec in \
    "GET /api/v1/projects/{id}|project_get.lua|row|≥ 50 % of /row" \
    "GET /api/v1/projects?category&zone_id&per_page=25|project_list.lua|row|≥ 20 % of /row" \
    "GET /api/v1/dashboard|dashboard.lua|row|≥ 20 % of /row" \
    "GET /api/v1/dashboard?as_of=(17 months ago)|dashboard_asof.lua|row|≥ 20 % of /row" \
    "GET /cockpit (page)|cockpit.lua|row|≥ 10 % of /row" \
    "GET /zones/{id} (page: its map of 5,000 parcels)|zone_map.lua|row|≥ 5 % of /row" \
    "POST /api/v1/parcels/{id}/steps|parcel_step.lua|write|≥ 50 % of /write, lower p99" \
    "POST /api/v1/projects|project_create.lua|write|≥ 50 % of /write, lower p99" \
    "PUT /api/v1/projects/{id}/reports/{this month}|report_put.lua|write|≥ 50 % of /write, lower p99" \
    "POST /api/v1/projects/{id}/reports/{last month}/approve|report_approve.lua|write|≥ 50 % of /write, lower p99" \
    "GET /api/v1/inbox (an official with ~1,100 open appeals, first 50)|inbox.lua|row|≥ 20 % of /row" \
    "GET /inbox (the page, same official)|inbox_page|row|≥ 20 % of /row" \
    "POST /api/v1/appeals (1,000,000 in the database; row, events, audit, webhook delivery)|appeal_submit.lua|write|≥ 50 % of /write, lower p99"; do
    IFS='|' read -r name script base target <<< "$spec"
    # The ceiling is measured right before each endpoint, so each ratio compares two figures
    # taken under the same conditions (the machine's speed drifts over a run).
    if [ "$base" = row ]; then
      read -r ref ref_p50 ref_p99 _ < <(measure http://127.0.0.1:18080/row "$here/lua/common.lua")
    else
      read -r ref ref_p50 ref_p99 _ < <(measure http://127.0.0.1:18080/write "$here/lua/post.lua")
    fi
    if [ "$script" = inbox_page ]; then
      export FEIDI_INBOX_PATH=/inbox
      read -r rps p50 p99 bad < <(measure http://127.0.0.1:18081 "$here/lua/inbox.lua")
      unset FEIDI_INBOX_PATH
    else
      read -r rps p50 p99 bad < <(measure http://127.0.0.1:18081 "$here/lua/$script")
    fi
    ratio=$(awk -v a="$rps" -v b="$ref" 'BEGIN { printf "%.0f %%", (b>0 ? 100*a/b : 0) }')
    [ "$bad" = 0 ] || ratio="$ratio ($bad non-2xx!)"
    echo "| \`$name\` | $rps | $p50 | $p99 | $ref (p99 $ref_p99 ms) | $ratio | $target |"
  done
  # The sweep over the generated open appeals (a tenth of them, never swept), timed whole,
  # with POST /api/v1/appeals measured alone and then while the sweep runs.
  read -r _ _ alone_p99 _ < <(measure http://127.0.0.1:18081 "$here/lua/appeal_submit.lua")
  /usr/bin/time -f "%e %M" -o "$work/sweep-time.txt" "$feidi" --database "$url" --log warn sweep > "$work/sweep.txt" &
  local sweeper=$!
  local saved=$secs
  secs=4
  read -r _ _ during_p99 _ < <(measure http://127.0.0.1:18081 "$here/lua/appeal_submit.lua")
  secs=$saved
  wait "$sweeper"
  read -r sweep_secs _ < "$work/sweep-time.txt"
  echo "| \`feidi sweep\` over the open appeals: $(cat "$work/sweep.txt") | ${sweep_secs} s | | | | | < 5 s |"
  echo "| p99 of \`POST /api/v1/appeals\` alone / while the sweep runs | | | ${alone_p99} / ${during_p99} | | | ≤ 2 × |"
  local rss
  rss=$(awk '/VmHWM/ { printf "%.1f", $2/1024 }' "/proc/$pid/status")
  echo "| peak RSS of feidi under this load | $rss MB | | | | | ≤ 64 MB |"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  # 50,000 parcels as GeoJSON features (each a small rectangle), imported through the
  # command line, timed whole with its peak memory.
  awk 'BEGIN { printf "{\"type\":\"FeatureCollection\",\"features\":["
    for (i = 1; i <= 50000; i++) { x = 114.3 + (i % 200) * 0.001; y = 34.9 + int(i / 200) * 0.0007
      printf "%s{\"type\":\"Feature\",\"properties\":{\"code\":\"I%06d\",\"zone_id\":1,\"village\":\"示例村\",\"area_mu\":\"%d.%02d\",\"land_use\":\"工业用地\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f]]]}}", (i > 1 ? "," : ""), i, 20 + i % 300, i % 100, x, y, x + 0.0009, y, x + 0.0009, y + 0.0006, x, y + 0.0006, x, y }
    print "]}" }' > "$work/parcels-50k.geojson"
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$feidi" --database "$url" --log warn import parcels "$work/parcels-50k.geojson" >&2
  read -r secs_import kb < "$work/time.txt"
  awk -v s="$secs_import" -v kb="$kb" 'BEGIN { printf "| `feidi import parcels` of 50,000 GeoJSON features | %.0f features/s (%.1f s) | | | | peak RSS %.0f MB | ≥ 20,000 features/s, ≤ 256 MB |\n", 50000 / s, s, kb / 1024 }'
  # A million reports for the 20 months before the generated history, through the command
  # line, timed whole (reading, checking, writing) with its peak memory.
  awk -v y0="$(date -d "$(date +%Y-%m-01) -68 months" +%Y)" -v m0="$(date -d "$(date +%Y-%m-01) -68 months" +%-m)" '
    BEGIN { print "project_id,month,completed_investment,progress_note"
      for (k = 0; k < 20; k++) { t = (m0 - 1) + k; y = y0 + int(t / 12); m = t % 12 + 1
        for (p = 1; p <= 50000; p++) printf "%d,%04d-%02d,%d.%02d,\n", p, y, m, 1000 + (p * 7 + k) % 90000, (p + k) % 100 } }' > "$work/reports-1m.csv"
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$feidi" --database "$url" --log warn import reports "$work/reports-1m.csv" >&2
  read -r secs_import kb < "$work/time.txt"
  awk -v s="$secs_import" -v kb="$kb" 'BEGIN { printf "| `feidi import reports` of a 1,000,000-row CSV | %.0f rows/s (%.1f s) | | | | peak RSS %.0f MB | ≥ 200,000 rows/s, ≤ 256 MB |\n", 1000000 / s, s, kb / 1024 }'
}

if [ "$which_db" = sqlite ] || [ "$which_db" = both ]; then
  run_one sqlite "sqlite://$work/feidi.db"
fi
if [ "$which_db" = postgres ] || [ "$which_db" = both ]; then
  db=feidi_bench_$$
  psql -h 127.0.0.1 -U postgres -qc "create database $db" >/dev/null
  run_one postgres "postgres://postgres@127.0.0.1:5432/$db"
  psql -h 127.0.0.1 -U postgres -qc "drop database $db with (force)" >/dev/null
fi
