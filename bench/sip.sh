#!/usr/bin/env bash
# Roster's SIP benchmark: prints figures, asserts nothing. On SQLite and on Postgres, with 10,000
# users (each with its own device and password) imported into one domain, Roster starts its
# Kamailio and sipp registers them:
#   - REGISTER authentications per second through Kamailio: sipp (two processes, each with its
#     rate option at 5,000/s and at most 100 registrations in flight) registers every one of the
#     10,000 devices twice, each with its own credentials from sipp's injection file, each challenged and
#     authenticated afresh (Kamailio caches no credentials: each is a read of the database), and
#     how many failed;
#   - the time from a user's create through the API to its first successful REGISTER (median and
#     worst of 20; it includes starting a sipp process, about 10-20 ms).
# Usage: bench/sip.sh (bench/run.sh runs it at its end; scripts/build.sh --release first)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
source "$root/scripts/env.sh"
cd "$root"
users=${BENCH_SIP_USERS:-10000}
work=$(mktemp -d)
pids=()
pg_admin=${ROSTER_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
pg_db="roster_sipbench_$$"
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.5
  psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
port_of() { python3 -c 'import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1]=="udp" else socket.SOCK_STREAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' "$1"; }
password="bench bench orbit tangerine cello"
device_password() { echo "Bench-$1-Xq7#Lm2v-pass"; }

# The users, with their devices' passwords, and the same as sipp's injection file.
python3 - "$work/users.csv" "$work/phones.csv" "$users" <<'EOF'
import sys
users, phones, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(users, "w") as f, open(phones, "w") as p:
    f.write("user,name-first-name,name-last-name,email,device-sip-registration-password\n")
    p.write("SEQUENTIAL\n")
    for i in range(n):
        ext = 100000 + i
        f.write(f"{ext},Phone{i % 10},Number{i},u{i}@sip.example,Bench-{ext}-Xq7#Lm2v-pass\n")
        p.write(f"{ext};sip.example;[authentication username={ext} password=Bench-{ext}-Xq7#Lm2v-pass]\n")
EOF
cat > "$work/register.xml" <<'EOF'
<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="register">
  <send retrans="500">
    <![CDATA[
      REGISTER sip:[field1] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:[field0]@[field1]>;tag=[pid]r[call_number]
      To: <sip:[field0]@[field1]>
      Call-ID: [call_id]
      CSeq: 1 REGISTER
      Contact: <sip:[field0]@[local_ip]:[local_port]>
      Expires: 3600
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="401" auth="true" />
  <send retrans="500">
    <![CDATA[
      REGISTER sip:[field1] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:[field0]@[field1]>;tag=[pid]r[call_number]
      To: <sip:[field0]@[field1]>
      Call-ID: [call_id]
      CSeq: 2 REGISTER
      Contact: <sip:[field0]@[local_ip]:[local_port]>
      Expires: 3600
      [field2]
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200" />
</scenario>
EOF

start_roster() { # database-url -> base, key, sip: a fresh Roster with its SIP server and the users
  local port out
  port=$(port_of tcp); sip_port=$(port_of udp); out="$work/roster-$port.out"
  target/release/roster --database-url "$1" --listen "127.0.0.1:$port" --sip-listen "127.0.0.1:$sip_port" \
    --site-root target/site/release --log-level warn >"$out" 2>&1 &
  pid=$!; pids+=("$pid")
  base="http://127.0.0.1:$port"
  until curl -sf "$base/readyz" >/dev/null && grep -q 'token=' "$out"; do sleep 0.01; done
  cookie=$(scripts/first-admin.sh "$base" "$out" "$password")
  key=$(curl -sf "$base/ns-api/v2/apikeys" -H "cookie: $cookie" -H 'content-type: application/json' \
    -d '{"description": "benchmark robot key", "domain": "*"}' | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
  curl -sf -o /dev/null "$base/ns-api/v2/domains" -H "authorization: Bearer $key" \
    -H 'content-type: application/json' -d '{"domain": "sip.example"}'
  curl -sf -o /dev/null "$base/ns-api/v2/domains/sip.example/users/import" -H "authorization: Bearer $key" \
    -H 'content-type: text/csv' --data-binary "@$work/users.csv"
}

registers() { # -> "per-second successful failed": every device twice, two sipp processes at once
  local dir="$work/sipp-$1" start end half
  mkdir -p "$dir/0" "$dir/1"
  # Each process takes half of the devices (sipp reads an injection file's lines in order).
  half=$(( (users + 1) / 2 ))
  { echo SEQUENTIAL; sed -n "2,$((half + 1))p" "$work/phones.csv"; } > "$dir/0/phones.csv"
  { echo SEQUENTIAL; sed -n "$((half + 2)),\$p" "$work/phones.csv"; } > "$dir/1/phones.csv"
  start=$(date +%s%N)
  for i in 0 1; do
    (cd "$dir/$i" && sipp -sf "$work/register.xml" -inf phones.csv \
        -m "$(( 2 * ($(wc -l < phones.csv) - 1) ))" -r 5000 -l 100 -i 127.0.0.1 -p 0 -nostdin -timeout 120s \
        -trace_screen "127.0.0.1:$sip_port" >/dev/null 2>&1) &
  done
  wait
  end=$(date +%s%N)
  local ok failed
  ok=$(cat "$dir"/*/*_screen.log 2>/dev/null | awk '/Successful call/{n+=$(NF)} END{print n+0}')
  failed=$(cat "$dir"/*/*_screen.log 2>/dev/null | awk '/Failed call/{n+=$(NF)} END{print n+0}')
  awk -v ok="$ok" -v f="$failed" -v ns=$((end - start)) 'BEGIN{printf "%.0f %d %d\n", ok/(ns/1e9), ok, f}'
}

first_register() { # -> "median worst" ms from create to the first 200 of a REGISTER, over 20 users
  local times=() i ext t0 t1 dir="$work/first-$1"
  mkdir -p "$dir"
  for i in $(seq 1 20); do
    ext=$((900000 + i))
    printf 'SEQUENTIAL\n%s;sip.example;[authentication username=%s password=%s]\n' \
      "$ext" "$ext" "$(device_password "$ext")" > "$dir/one.csv"
    t0=$(date +%s%N)
    curl -sf -o /dev/null "$base/ns-api/v2/domains/sip.example/users" -H "authorization: Bearer $key" \
      -H 'content-type: application/json' \
      -d "{\"user\": \"$ext\", \"name-first-name\": \"New\", \"name-last-name\": \"Phone\", \"email\": \"n$i@sip.example\", \"device-sip-registration-password\": \"$(device_password "$ext")\"}"
    (cd "$dir" && sipp -sf "$work/register.xml" -inf "$dir/one.csv" \
      -m 1 -i 127.0.0.1 -p 0 -nostdin -timeout 10s "127.0.0.1:$sip_port" >/dev/null 2>&1) \
      || { echo "REGISTER of a new user failed" >&2; }
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000000 )))
  done
  local sorted; sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  echo "$(sed -n 10p <<<"$sorted") $(tail -1 <<<"$sorted")"
}

start_roster "$work/sip.db"
read -r sqlite_rate sqlite_ok sqlite_failed < <(registers sqlite)
read -r sqlite_first sqlite_first_worst < <(first_register sqlite)
kill "$pid"; wait "$pid" 2>/dev/null || true
psql -q "$pg_admin" -c "CREATE DATABASE $pg_db" >/dev/null
start_roster "${pg_admin%/*}/$pg_db"
read -r postgres_rate postgres_ok postgres_failed < <(registers postgres)
read -r postgres_first postgres_first_worst < <(first_register postgres)

printf '\nSIP (Kamailio over Roster'"'"'s database, %s cores, %s users; every device registers twice, two sipp processes with up to 100 in flight each)\n\n' "$(nproc)" "$users"
printf '%-44s %12s %12s %10s\n' "" "REGISTER/s" "succeeded" "failed"
printf '%-44s %12s %12s %10s\n' "sqlite: authenticated REGISTERs" "$sqlite_rate" "$sqlite_ok" "$sqlite_failed"
printf '%-44s %12s %12s %10s\n' "postgres: authenticated REGISTERs" "$postgres_rate" "$postgres_ok" "$postgres_failed"
printf '\n%-44s %12s %12s\n' "create (API) to first REGISTER 200" "median" "worst"
printf '%-44s %9s ms %9s ms\n' "sqlite" "$sqlite_first" "$sqlite_first_worst"
printf '%-44s %9s ms %9s ms\n' "postgres" "$postgres_first" "$postgres_first_worst"
echo
