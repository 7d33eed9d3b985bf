#!/usr/bin/env bash
# Makes a fresh Roster's first Super User usable: takes the one-time set-password link the server
# printed, sets `password`, logs in as admin, and prints the session cookie ("name=value").
# Usage: scripts/first-admin.sh BASE_URL SERVER_OUTPUT_FILE PASSWORD
set -euo pipefail
base=$1 out=$2 password=$3
link=$(sed -n 's/.*set-password?token=\([0-9a-f]*\).*/\1/p' "$out" | head -n1)
[ -n "$link" ] || { echo "first-admin: no set-password link in $out" >&2; exit 1; }
curl -sf -o /dev/null "$base/api/set-password" -H 'accept: application/json' \
  --data-urlencode "token=$link" --data-urlencode "password=$password" --data-urlencode "confirm=$password"
curl -sf -D - -o /dev/null "$base/api/login" -H 'accept: application/json' \
  --data-urlencode "login=admin" --data-urlencode "password=$password" \
  | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p'
