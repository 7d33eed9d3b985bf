#!/usr/bin/env bash
# Roster's benchmark. Prints figures; asserts nothing.
#   - the hydrate bundle: raw, gzip and brotli sizes of the .wasm and its JavaScript
#   - cold start: from exec to the first 200 of /readyz on a new SQLite file (median of 5)
#   - requests/s and p99 latency of the domains page (logged in, 20 domains) and of a bare axum
#     handler, measured one after the other in this run with wrk, and their ratio
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
  kill "$pid"; wait "$pid" 2>/dev/null || true
  cold+=($(( (end - start) / 1000000 )))
done
cold_median=$(printf '%s\n' "${cold[@]}" | sort -n | sed -n 3p)

# --- load -----------------------------------------------------------------------------------------
port=$(port_of)
target/release/roster --database-url "$work/load.db" --listen "127.0.0.1:$port" \
  --site-root target/site/release --log-level warn >"$work/roster.out" &
pids+=($!)
base="http://127.0.0.1:$port"
until curl -sf "$base/readyz" >/dev/null; do sleep 0.01; done
token=$(sed -n 's/.*set-password?token=\([0-9a-f]*\).*/\1/p' "$work/roster.out" | head -n1)
password="bench bench orbit tangerine cello"
curl -sf -o /dev/null "$base/api/set-password" -H 'accept: application/json' \
  --data-urlencode "token=$token" --data-urlencode "password=$password" --data-urlencode "confirm=$password"
cookie=$(curl -sf -D - -o /dev/null "$base/api/login" -H 'accept: application/json' \
  --data-urlencode "login=admin" --data-urlencode "password=$password" \
  | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p')
for i in $(seq -w 1 20); do
  curl -sf -o /dev/null "$base/api/create-domain" -H 'accept: application/json' -H "cookie: $cookie" \
    --data-urlencode "input[domain]=customer$i.example" --data-urlencode "input[description]=Customer $i" \
    --data-urlencode "input[time-zone]=America/Chicago" --data-urlencode "input[language-token]=en_US" \
    --data-urlencode "input[voicemail-enabled]=yes" --data-urlencode "input[dial-policy]=US & Canada"
done
page=$(curl -sf -H "cookie: $cookie" "$base/domains")
grep -q customer20.example <<<"$page" || { echo "the domains page did not list the domains" >&2; exit 1; }

bare_port=$(port_of)
target/release/bare "127.0.0.1:$bare_port" &
pids+=($!)
until curl -sf "http://127.0.0.1:$bare_port/" >/dev/null; do sleep 0.01; done

load() { # url [cookie] -> "rps p99ms"
  local out
  out=$(wrk -t2 -c"$connections" -d"${duration}s" --latency ${2:+-H "cookie: $2"} "$1")
  local rps p99 non2xx
  rps=$(awk '/^Requests\/sec:/{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; print v}' <<<"$out")
  non2xx=$(awk '/Non-2xx/{print $5}' <<<"$out")
  [ -z "$non2xx" ] || { echo "errors during load of $1: $non2xx" >&2; exit 1; }
  echo "$rps $p99"
}
read -r domains_rps domains_p99 < <(load "$base/domains" "$cookie")
read -r bare_rps bare_p99 < <(load "http://127.0.0.1:$bare_port/")
ratio=$(awk -v a="$domains_rps" -v b="$bare_rps" 'BEGIN{printf "%.1f%%", 100*a/b}')

wasm=$pkg/roster_bg.wasm; js=$pkg/roster.js
printf '\nRoster benchmark (%s cores, wrk %s connections, %ss per run)\n\n' "$(nproc)" "$connections" "$duration"
printf '%-36s %14s %14s %14s\n' "hydrate bundle" raw gzip brotli
printf '%-36s %14s %14s %14s\n' "  roster_bg.wasm" "$(kb "$(size "$wasm")")" "$(kb "$(gz "$wasm")")" "$(kb "$(br "$wasm")")"
printf '%-36s %14s %14s %14s\n' "  roster.js" "$(kb "$(size "$js")")" "$(kb "$(gz "$js")")" "$(kb "$(br "$js")")"
printf '\n%-36s %14s   (runs: %s ms)\n' "cold start to /readyz (median)" "${cold_median} ms" "${cold[*]}"
printf '\n%-36s %14s %14s\n' "" "requests/s" "p99"
printf '%-36s %14s %14s\n' "domains page (20 domains, logged in)" "$domains_rps" "${domains_p99} ms"
printf '%-36s %14s %14s\n' "bare axum handler" "$bare_rps" "${bare_p99} ms"
printf '%-36s %14s\n\n' "domains page / bare handler" "$ratio"
