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
#     at any depth (API) both ways a client reaches one, after a random user by the keyset cursor
#     of the Link header, and from a random offset (`start`, which walks the index up to it), the
#     portal's users page from anywhere, a search, PUT one user
#   - one-shot user creates per second spread over 40 domains at 16 connections, and errors
#   - a mix of 95% reads and 5% writes (GET and PUT one user), against the read-only rate
#   - the same lists, pages and searches in a domain of 100,000 users, and single-request latency
#     (one connection) of lists from anywhere and searches at 10,000 and 100,000 users
#   - a lean yardstick for GET one user: the same reads over native sqlx and the same JSON
#     (bench/src/bin/lean.rs), on the same database in the same run
#   - load to interactive in Chromium (bench/interactive.mjs), on loopback and over a slow link
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
cargo build -q --release -p bench --bin bare --bin lean
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
  api /domains -H 'content-type: application/json' -d '{"domain": "big.example"}'
  api /domains/big.example/users/import -H 'content-type: text/csv' --data-binary "@$work/big.csv"
  count_of() { curl -sf "$base/ns-api/v2/domains/$1/users/count" -H "authorization: Bearer $key" \
    | sed -n 's/.*"total":\([0-9]*\).*/\1/p'; }
  [ "$(count_of bench.example)" = 10000 ] || { echo "the 10,000 users were not imported" >&2; exit 1; }
  [ "$(count_of big.example)" = 100000 ] || { echo "the 100,000 users were not imported" >&2; exit 1; }
}
python3 - "$work" <<'EOF'
import sys
names = ["Ada", "Grace", "Alan", "Linus", "Ken", "Barbara", "Edsger", "Donald", "Margaret", "Dennis"]
departments = ["Sales", "Support", "Engineering", "Finance", "Legal"]
for file, first_ext, count, mail in (("users.csv", 100000, 10000, "bench"), ("big.csv", 200000, 100000, "big")):
    with open(f"{sys.argv[1]}/{file}", "w") as f:
        f.write("user,name-first-name,name-last-name,email,department,site\n")
        for i in range(count):
            first = f"{names[i % 10]}{i // 10 % 10}"
            f.write(f"{first_ext + i},{first},Number{i},u{i}@{mail}.example,{departments[i % 5]},Site {i % 7}\n")
EOF

load() { # mode header [connections] [url] -> "rps p50ms p99ms errors"
  local out c=${3:-$connections}
  out=$(BENCH_MODE="$1" BENCH_HEADER="$2" wrk -t"$(( c < 2 ? 1 : 2 ))" -c"$c" -d"${duration}s" --latency \
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
  read -r "${b}_after_rps" "${b}_after_p50" "${b}_after_p99" "${b}_after_err" < <(load list-after "$auth")
  read -r "${b}_page_rps" "${b}_page_p50" "${b}_page_p99" "${b}_page_err" < <(load page "cookie: $cookie")
  read -r "${b}_search_rps" "${b}_search_p50" "${b}_search_p99" "${b}_search_err" < <(load search "$auth")
  read -r "${b}_put_rps" "${b}_put_p50" "${b}_put_p99" "${b}_put_err" < <(load put-user "$auth")
  read -r "${b}_create_rps" "${b}_create_p50" "${b}_create_p99" "${b}_create_err" < <(load create "$auth" 16)
  read -r "${b}_mix_rps" "${b}_mix_p50" "${b}_mix_p99" "${b}_mix_err" < <(load mix "$auth")
  read -r "${b}_list1_rps" "${b}_list1_p50" "${b}_list1_p99" "${b}_list1_err" < <(load list "$auth" 1)
  read -r "${b}_after1_rps" "${b}_after1_p50" "${b}_after1_p99" "${b}_after1_err" < <(load list-after "$auth" 1)
  read -r "${b}_search1_rps" "${b}_search1_p50" "${b}_search1_p99" "${b}_search1_err" < <(load search "$auth" 1)
  # The domain of 100,000 users.
  export BENCH_DOMAIN=big.example BENCH_FIRST=200000 BENCH_USERS=100000
  read -r "${b}_blist_rps" "${b}_blist_p50" "${b}_blist_p99" "${b}_blist_err" < <(load list "$auth")
  read -r "${b}_bafter_rps" "${b}_bafter_p50" "${b}_bafter_p99" "${b}_bafter_err" < <(load list-after "$auth")
  read -r "${b}_bpage_rps" "${b}_bpage_p50" "${b}_bpage_p99" "${b}_bpage_err" < <(load page "cookie: $cookie")
  read -r "${b}_bsearch_rps" "${b}_bsearch_p50" "${b}_bsearch_p99" "${b}_bsearch_err" < <(load search "$auth")
  read -r "${b}_blist1_rps" "${b}_blist1_p50" "${b}_blist1_p99" "${b}_blist1_err" < <(load list "$auth" 1)
  read -r "${b}_bafter1_rps" "${b}_bafter1_p50" "${b}_bafter1_p99" "${b}_bafter1_err" < <(load list-after "$auth" 1)
  read -r "${b}_bsearch1_rps" "${b}_bsearch1_p50" "${b}_bsearch1_p99" "${b}_bsearch1_err" < <(load search "$auth" 1)
  read -r "${b}_bget_rps" "${b}_bget_p50" "${b}_bget_p99" "${b}_bget_err" < <(load get-user "$auth")
  unset BENCH_DOMAIN BENCH_FIRST BENCH_USERS
  eval "${b}_peak=\$(rss $pid VmHWM)"
  eval "${b}_after=\$(rss $pid VmRSS)"
}

lean() { # database-url backend: the lean yardstick on the same database, measured like Roster
  local port
  port=$(port_of)
  target/release/lean "$1" "127.0.0.1:$port" &
  local lean_pid=$!
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.01; done
  read -r "${2}_lean_rps" "${2}_lean_p50" "${2}_lean_p99" "${2}_lean_err" \
    < <(load get-user "authorization: Bearer $key" "$connections" "http://127.0.0.1:$port")
  kill "$lean_pid"; wait "$lean_pid" 2>/dev/null || true
}

start_roster "$work/load.db"
measure sqlite
lean "$work/load.db" sqlite
interactive=$(node bench/interactive.mjs "$base")
psql -q "$pg_admin" -c "CREATE DATABASE $pg_db" >/dev/null
start_roster "${pg_admin%/*}/$pg_db"
measure postgres
lean "${pg_admin%/*}/$pg_db" postgres

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
  row "GET 50 users after any (keyset, API)" "$b" after
  row "GET 50 users from any start= (API)" "$b" list
  row "users page from anywhere (portal)" "$b" page
  row "search 10,000 users (API)" "$b" search
  row "PUT one user (API)" "$b" put
  row "creates over 40 domains (16 conn.)" "$b" create
  row "95% GET + 5% PUT one user (API)" "$b" mix
  row "lean yardstick: GET one user" "$b" lean
  row "GET 50 after any, one connection" "$b" after1
  row "GET 50 from any start=, one conn." "$b" list1
  row "search, one connection" "$b" search1
done
printf '\n%-34s %9s %11s %12s %12s %7s\n' "100,000 users in one domain" "database" "requests/s" "p50" "p99" "errors"
for b in sqlite postgres; do
  row "GET one user (API)" "$b" bget
  row "GET 50 users after any (keyset, API)" "$b" bafter
  row "GET 50 users from any start= (API)" "$b" blist
  row "users page from anywhere (portal)" "$b" bpage
  row "search 100,000 users (API)" "$b" bsearch
  row "GET 50 after any, one connection" "$b" bafter1
  row "GET 50 from any start=, one conn." "$b" blist1
  row "search, one connection" "$b" bsearch1
done
printf '%-34s %9s %11s %9s ms %9s ms %7s\n' "bare axum handler (yardstick)" "-" "$bare_rps" "$bare_p50" "$bare_p99" "$bare_err"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f%%", 100*a/b}'; }
printf '%-34s %9s %11s\n' "GET one user / bare handler" sqlite "$(ratio "$sqlite_get_rps" "$bare_rps")"
printf '%-34s %9s %11s\n' "GET one user / bare handler" postgres "$(ratio "$postgres_get_rps" "$bare_rps")"
for b in sqlite postgres; do
  g="${b}_get_rps"; l="${b}_lean_rps"; m="${b}_mix_rps"
  printf '%-34s %9s %11s\n' "GET one user / lean yardstick" "$b" "$(ratio "${!g}" "${!l}")"
  printf '%-34s %9s %11s\n' "95/5 mix / GET one user" "$b" "$(ratio "${!m}" "${!g}")"
done
printf '\n%s\n' "$interactive"
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
