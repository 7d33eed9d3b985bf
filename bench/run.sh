#!/usr/bin/env bash
# Roster's benchmark. Prints figures; asserts nothing.
#
# Every load figure comes from requests that are all different (bench/requests.lua): each URI is
# used once, reads walk the 10,000 users of a domain, list pages start anywhere, searches look
# for different names, writes change different users or create new ones across 40 domains. The
# yardstick, a bare axum handler, is measured in the same run the same way.
#
#   - the hydrate bundle: raw, gzip and brotli sizes of the .wasm and its JavaScript
#   - cold start: from exec to the first 200 of /readyz on a new SQLite file (median of 5)
#   - requests/s and p50/p99 latency, SQLite and Postgres: GET one user (API), a page of 50 users
#     from anywhere (API), the portal's users page from anywhere, a search, PUT one user
#   - one-shot user creates per second spread over 40 domains at 16 connections, and errors
#   - the server's memory (resident set) idle with 10,000 users, and its peak under the load
#   - then bench/sip.sh: REGISTERs per second through Kamailio with 10,000 users, and the time from
#     a create to its first REGISTER
# Usage: bench/run.sh [seconds per load run, default 10] [connections, default 32]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
duration=${1:-10}
connections=${2:-32}
"$root/scripts/setup.sh"
"$root/scripts/ensure-postgres.sh"
"$root/scripts/build.sh" --release
source "$root/scripts/env.sh"
cd "$root"
cargo build -q --release -p bench --bin bare
if ! command -v wrk >/dev/null; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi

work=$(mktemp -d)
pids=()
pg_admin=${ROSTER_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
pg_db="roster_bench_$$"
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
pkg=target/site/release/pkg
port_of() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# --- bundle ---------------------------------------------------------------------------------------
size() { stat -c %s "$1"; }
gz() { gzip -9 -c "$1" | wc -c; }
br() { node -e 'const z=require("zlib"),f=require("fs");process.stdout.write(String(z.brotliCompressSync(f.readFileSync(process.argv[1]),{params:{[z.constants.BROTLI_PARAM_QUALITY]:11}}).length))' "$1"; }
kb() { awk -v b="$1" 'BEGIN{printf "%.1f KiB", b/1024}'; }

# --- cold start -----------------------------------------------------------------------------------
cold=()
for i in 1 2 3 4 5; do
  port=$(port_of)
  start=$(date +%s%N)
  target/release/roster --database-url "$work/cold$i.db" --listen "127.0.0.1:$port" \
    --site-root target/site/release --log-level warn >/dev/null &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.002; done
  end=$(date +%s%N)
  [ "$i" != 1 ] || fresh_rss=$(awk '$1=="VmRSS:"{printf "%.1f MiB", $2/1024}' "/proc/$pid/status")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  cold+=($(( (end - start) / 1000000 )))
done
cold_median=$(printf '%s\n' "${cold[@]}" | sort -n | sed -n 3p)

# --- a Roster with 10,000 users in bench.example and 40 customer domains ---------------------------
password="bench bench orbit tangerine cello"
start_roster() { # database-url -> sets base, pid, cookie and key: a fresh Roster, its admin logged in
  local port out
  port=$(port_of); out="$work/roster-$port.out"
  target/release/roster --database-url "$1" --listen "127.0.0.1:$port" \
    --site-root target/site/release --log-level warn >"$out" &
  pid=$!; pids+=("$pid")
  base="http://127.0.0.1:$port"
  until curl -sf "$base/readyz" >/dev/null && grep -q 'token=' "$out"; do sleep 0.01; done
  cookie=$(scripts/first-admin.sh "$base" "$out" "$password")
  key=$(curl -sf "$base/ns-api/v2/apikeys" -H "cookie: $cookie" -H 'content-type: application/json' \
    -d '{"description": "benchmark robot key", "domain": "*"}' | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
  api() { curl -sf -o /dev/null "$base/ns-api/v2$1" -H "authorization: Bearer $key" "${@:2}"; }
  api /domains -H 'content-type: application/json' -d '{"domain": "bench.example"}'
  for i in $(seq -w 1 40); do
    api /domains -H 'content-type: application/json' -d "{\"domain\": \"customer$i.example\"}"
  done
  api /domains/bench.example/users/import -H 'content-type: text/csv' --data-binary "@$work/users.csv"
  [ "$(curl -sf "$base/ns-api/v2/domains/bench.example/users/count" -H "authorization: Bearer $key" \
    | sed -n 's/.*"total":\([0-9]*\).*/\1/p')" = 10000 ] || { echo "the 10,000 users were not imported" >&2; exit 1; }
}
python3 - "$work/users.csv" <<'EOF'
import sys
names = ["Ada", "Grace", "Alan", "Linus", "Ken", "Barbara", "Edsger", "Donald", "Margaret", "Dennis"]
departments = ["Sales", "Support", "Engineering", "Finance", "Legal"]
with open(sys.argv[1], "w") as f:
    f.write("user,name-first-name,name-last-name,email,department,site\n")
    for i in range(10000):
        first = f"{names[i % 10]}{i // 10 % 10}"
        f.write(f"{100000 + i},{first},Number{i},u{i}@bench.example,{departments[i % 5]},Site {i % 7}\n")
EOF

load() { # mode header -> "rps p50ms p99ms errors"
  local out
  out=$(BENCH_MODE="$1" BENCH_HEADER="$2" wrk -t2 -c"${3:-$connections}" -d"${duration}s" --latency \
    -s bench/requests.lua "${4:-$base}")
  local rps p50 p99 errors
  ms() { awk -v q="$1" '$1==q{v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.2f", v}'; }
  rps=$(awk '/^Requests\/sec:/{print $2}' <<<"$out")
  p50=$(ms 50% <<<"$out"); p99=$(ms 99% <<<"$out")
  errors=$(awk '/Non-2xx/{n+=$5} /Socket errors/{n+=$4+$6+$8+$10} END{print n+0}' <<<"$out")
  echo "$rps $p50 $p99 $errors"
}
rss() { awk -v k="$2:" '$1==k{printf "%.1f MiB", $2/1024}' "/proc/$1/status"; }

measure() { # backend: every figure of one Roster, into variables named <backend>_<figure>
  local b=$1 auth="authorization: Bearer $key"
  eval "${b}_idle=\$(rss $pid VmRSS)"
  read -r "${b}_get_rps" "${b}_get_p50" "${b}_get_p99" "${b}_get_err" < <(load get-user "$auth")
  read -r "${b}_list_rps" "${b}_list_p50" "${b}_list_p99" "${b}_list_err" < <(load list "$auth")
  read -r "${b}_page_rps" "${b}_page_p50" "${b}_page_p99" "${b}_page_err" < <(load page "cookie: $cookie")
  read -r "${b}_search_rps" "${b}_search_p50" "${b}_search_p99" "${b}_search_err" < <(load search "$auth")
  read -r "${b}_put_rps" "${b}_put_p50" "${b}_put_p99" "${b}_put_err" < <(load put-user "$auth")
  read -r "${b}_create_rps" "${b}_create_p50" "${b}_create_p99" "${b}_create_err" < <(load create "$auth" 16)
  eval "${b}_peak=\$(rss $pid VmHWM)"
  eval "${b}_after=\$(rss $pid VmRSS)"
}

start_roster "$work/load.db"
measure sqlite
psql -q "$pg_admin" -c "CREATE DATABASE $pg_db" >/dev/null
start_roster "${pg_admin%/*}/$pg_db"
measure postgres

bare_port=$(port_of)
target/release/bare "127.0.0.1:$bare_port" &
pids+=($!)
until curl -sf "http://127.0.0.1:$bare_port/" >/dev/null; do sleep 0.01; done
read -r bare_rps bare_p50 bare_p99 bare_err < <(load bare "x-bench: 1" "$connections" "http://127.0.0.1:$bare_port")

wasm=$pkg/roster_bg.wasm; js=$pkg/roster.js
printf '\nRoster benchmark (%s cores, wrk %s connections, %ss per run, every request distinct)\n\n' \
  "$(nproc)" "$connections" "$duration"
printf '%-34s %14s %14s %14s\n' "hydrate bundle" raw gzip brotli
printf '%-34s %14s %14s %14s\n' "  roster_bg.wasm" "$(kb "$(size "$wasm")")" "$(kb "$(gz "$wasm")")" "$(kb "$(br "$wasm")")"
printf '%-34s %14s %14s %14s\n' "  roster.js" "$(kb "$(size "$js")")" "$(kb "$(gz "$js")")" "$(kb "$(br "$js")")"
printf '\n%-34s %14s   (runs: %s ms)\n' "cold start to /readyz (median)" "${cold_median} ms" "${cold[*]}"
row() { # label backend figure
  local r="${2}_${3}_rps" p50="${2}_${3}_p50" p99="${2}_${3}_p99" e="${2}_${3}_err"
  printf '%-34s %9s %11s %9s ms %9s ms %7s\n' "$1" "$2" "${!r}" "${!p50}" "${!p99}" "${!e}"
}
printf '\n%-34s %9s %11s %12s %12s %7s\n' "10,000 users in one domain" "database" "requests/s" "p50" "p99" "errors"
for b in sqlite postgres; do
  row "GET one user (API)" "$b" get
  row "GET 50 users from anywhere (API)" "$b" list
  row "users page from anywhere (portal)" "$b" page
  row "search 10,000 users (API)" "$b" search
  row "PUT one user (API)" "$b" put
  row "creates over 40 domains (16 conn.)" "$b" create
done
printf '%-34s %9s %11s %9s ms %9s ms %7s\n' "bare axum handler (yardstick)" "-" "$bare_rps" "$bare_p50" "$bare_p99" "$bare_err"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f%%", 100*a/b}'; }
printf '%-34s %9s %11s\n' "GET one user / bare handler" sqlite "$(ratio "$sqlite_get_rps" "$bare_rps")"
printf '%-34s %9s %11s\n' "GET one user / bare handler" postgres "$(ratio "$postgres_get_rps" "$bare_rps")"
printf '\n%-44s %14s\n' "server memory just started (RSS, empty db)" "$fresh_rss"
for b in sqlite postgres; do
  idle="${b}_idle"; peak="${b}_peak"; after="${b}_after"
  printf '%-44s %14s\n' "$b: idle with 10,000 users (RSS)" "${!idle}"
  printf '%-44s %14s\n' "$b: peak under load (VmHWM)" "${!peak}"
  printf '%-44s %14s\n' "$b: after the load (RSS)" "${!after}"
done
echo

# --- the SIP side ---------------------------------------------------------------------------------
"$here/sip.sh"
