#!/usr/bin/env bash
# Roster's benchmark. Prints figures; asserts nothing.
#   - the hydrate bundle: raw, gzip and brotli sizes of the .wasm and its JavaScript
#   - cold start: from exec to the first 200 of /readyz on a new SQLite file (median of 5)
#   - requests/s and p99 latency of the domains page (logged in, 20 domains) and of a bare axum
#     handler, measured one after the other in this run with wrk, and their ratio
#   - one-shot user creates per second at concurrency 16 (user, login, device, voicemail box,
#     answer rule in one transaction) on SQLite and on Postgres, and the error count
#   - requests/s of the users page (first 50 of a 10,000-user domain) as a ratio to the bare handler
#   - the API (/ns-api/v2, with an API key): GET one user and GET the users list (first 100 of
#     10,000) as ratios to the bare handler
#   - the server's memory (resident set) idle after start, and its peak under that load
# Usage: bench/run.sh [seconds per load run, default 10] [connections, default 32]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
duration=${1:-10}
connections=${2:-32}
"$root/scripts/setup.sh"
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
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
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

# --- load -----------------------------------------------------------------------------------------
password="bench bench orbit tangerine cello"
start_roster() { # database-url -> sets base and cookie: a fresh Roster with its admin logged in
  local port out
  port=$(port_of); out="$work/roster-$port.out"
  target/release/roster --database-url "$1" --listen "127.0.0.1:$port" \
    --site-root target/site/release --log-level warn >"$out" &
  pids+=($!)
  base="http://127.0.0.1:$port"
  until curl -sf "$base/readyz" >/dev/null && grep -q 'token=' "$out"; do sleep 0.01; done
  local token
  token=$(sed -n 's/.*set-password?token=\([0-9a-f]*\).*/\1/p' "$out" | head -n1)
  curl -sf -o /dev/null "$base/api/set-password" -H 'accept: application/json' \
    --data-urlencode "token=$token" --data-urlencode "password=$password" --data-urlencode "confirm=$password"
  cookie=$(curl -sf -D - -o /dev/null "$base/api/login" -H 'accept: application/json' \
    --data-urlencode "login=admin" --data-urlencode "password=$password" \
    | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p')
}
create_domain() { # name
  curl -sf -o /dev/null "$base/api/create-domain" -H 'accept: application/json' -H "cookie: $cookie" \
    --data-urlencode "input[domain]=$1" --data-urlencode "input[description]=Customer $1" \
    --data-urlencode "input[time-zone]=America/Chicago" --data-urlencode "input[language-token]=en_US" \
    --data-urlencode "input[voicemail-enabled]=yes" --data-urlencode "input[dial-policy]=US & Canada"
}
load() { # url [header] -> "rps p99ms"
  local out
  out=$(wrk -t2 -c"$connections" -d"${duration}s" --latency ${2:+-H "$2"} "$1")
  local rps p99 non2xx
  rps=$(awk '/^Requests\/sec:/{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; print v}' <<<"$out")
  non2xx=$(awk '/Non-2xx/{print $5}' <<<"$out")
  [ -z "$non2xx" ] || { echo "errors during load of $1: $non2xx" >&2; exit 1; }
  echo "$rps $p99"
}
creates() { # -> "creates/s errors users": 16 connections creating users for $duration seconds
  local out
  out=$(ROSTER_COOKIE="$cookie" wrk -t2 -c16 -d"${duration}s" -s bench/create-user.lua "$base")
  local rps errors users
  rps=$(awk '/^Requests\/sec:/{print $2}' <<<"$out")
  errors=$(awk '/Non-2xx/{n+=$5} /Socket errors/{n+=$4+$6+$8+$10} END{print n+0}' <<<"$out")
  users=$(curl -sf "$base/api/list-users" -H 'accept: application/json' -H "cookie: $cookie" \
    --data-urlencode "domain=bench.example" --data-urlencode "query[limit]=1" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
  echo "$rps $errors $users"
}

start_roster "$work/load.db"
for i in $(seq -w 1 20); do create_domain "customer$i.example"; done
page=$(curl -sf -H "cookie: $cookie" "$base/domains")
grep -q customer20.example <<<"$page" || { echo "the domains page did not list the domains" >&2; exit 1; }
create_domain bench.example
read -r sqlite_creates sqlite_errors sqlite_users < <(creates)
while [ "${sqlite_users:-0}" -lt 10000 ]; do read -r _ _ sqlite_users < <(creates); done
users_page="$base/domains/bench.example/users"
curl -sf -H "cookie: $cookie" "$users_page" | grep -q 'User1' || { echo "the users page did not list users" >&2; exit 1; }
sqlite_base=$base; sqlite_cookie=$cookie

pg_admin=${ROSTER_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
pg_db="roster_bench_$$"
psql -q "$pg_admin" -c "CREATE DATABASE $pg_db" >/dev/null
trap 'cleanup; psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
start_roster "${pg_admin%/*}/$pg_db"
create_domain bench.example
read -r pg_creates pg_errors _ < <(creates)
base=$sqlite_base; cookie=$sqlite_cookie

bare_port=$(port_of)
target/release/bare "127.0.0.1:$bare_port" &
pids+=($!)
until curl -sf "http://127.0.0.1:$bare_port/" >/dev/null; do sleep 0.01; done

rss() { awk -v k="$2:" '$1==k{printf "%.1f MiB", $2/1024}' "/proc/$1/status"; }
roster_pid=$(pgrep -f -- "--listen 127.0.0.1:${base##*:}" | head -n1)
idle_rss=$(rss "$roster_pid" VmRSS)
token=$(curl -sf "$base/ns-api/v2/apikeys" -H "cookie: $cookie" -H 'content-type: application/json' \
  -d '{"description": "benchmark robot key", "domain": "*"}' | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
one_user=$(curl -sf "$base/ns-api/v2/domains/bench.example/users?limit=1" -H "authorization: Bearer $token" \
  | sed -n 's/^\[{"user":"\([^"]*\)".*/\1/p')
[ -n "$one_user" ] || { echo "the API did not list users" >&2; exit 1; }

read -r domains_rps domains_p99 < <(load "$base/domains" "cookie: $cookie")
read -r users_rps users_p99 < <(load "$users_page" "cookie: $cookie")
read -r api_one_rps api_one_p99 < <(load "$base/ns-api/v2/domains/bench.example/users/$one_user" "authorization: Bearer $token")
read -r api_list_rps api_list_p99 < <(load "$base/ns-api/v2/domains/bench.example/users" "authorization: Bearer $token")
peak_rss=$(rss "$roster_pid" VmHWM)
read -r bare_rps bare_p99 < <(load "http://127.0.0.1:$bare_port/")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f%%", 100*a/b}'; }

wasm=$pkg/roster_bg.wasm; js=$pkg/roster.js
printf '\nRoster benchmark (%s cores, wrk %s connections, %ss per run)\n\n' "$(nproc)" "$connections" "$duration"
printf '%-36s %14s %14s %14s\n' "hydrate bundle" raw gzip brotli
printf '%-36s %14s %14s %14s\n' "  roster_bg.wasm" "$(kb "$(size "$wasm")")" "$(kb "$(gz "$wasm")")" "$(kb "$(br "$wasm")")"
printf '%-36s %14s %14s %14s\n' "  roster.js" "$(kb "$(size "$js")")" "$(kb "$(gz "$js")")" "$(kb "$(br "$js")")"
printf '\n%-36s %14s   (runs: %s ms)\n' "cold start to /readyz (median)" "${cold_median} ms" "${cold[*]}"
printf '\n%-44s %14s %14s\n' "" "requests/s" "p99"
printf '%-44s %14s %14s\n' "domains page (20 domains, logged in)" "$domains_rps" "${domains_p99} ms"
printf '%-44s %14s %14s\n' "users page (first 50 of ${sqlite_users} users)" "$users_rps" "${users_p99} ms"
printf '%-44s %14s %14s\n' "bare axum handler" "$bare_rps" "${bare_p99} ms"
printf '%-44s %14s\n' "domains page / bare handler" "$(ratio "$domains_rps" "$bare_rps")"
printf '%-44s %14s\n' "users page / bare handler" "$(ratio "$users_rps" "$bare_rps")"
printf '\n%-44s %14s %14s\n' "API (bearer key)" "requests/s" "p99"
printf '%-44s %14s %14s\n' "GET one user" "$api_one_rps" "${api_one_p99} ms"
printf '%-44s %14s %14s\n' "GET users list (first 100 of ${sqlite_users})" "$api_list_rps" "${api_list_p99} ms"
printf '%-44s %14s\n' "GET one user / bare handler" "$(ratio "$api_one_rps" "$bare_rps")"
printf '%-44s %14s\n' "GET users list / bare handler" "$(ratio "$api_list_rps" "$bare_rps")"
printf '\n%-44s %14s\n' "server memory just started (RSS, empty db)" "$fresh_rss"
printf '%-44s %14s\n' "server memory idle (RSS, 10,000 users)" "$idle_rss"
printf '%-44s %14s\n' "server memory peak under load (VmHWM)" "$peak_rss"
printf '\n%-44s %14s %14s\n' "one-shot user creates, 16 connections" "creates/s" "errors"
printf '%-44s %14s %14s\n' "  SQLite" "$sqlite_creates" "$sqlite_errors"
printf '%-44s %14s %14s\n\n' "  Postgres" "$pg_creates" "$pg_errors"
