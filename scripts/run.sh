#!/usr/bin/env bash
# Sets up, builds (release) and runs Roster at http://127.0.0.1:3000 on the SQLite file roster.db,
# with its SIP server (Kamailio) on UDP 127.0.0.1:5060 beside it, stopped when Roster stops.
#   ROSTER_SIP_LISTEN=127.0.0.1:5080 scripts/run.sh   another SIP address (or --sip-listen ...)
#   scripts/run.sh --no-sip                             Roster alone (also ROSTER_SIP=off)
# Other flags are passed on to the server: scripts/run.sh --help lists them.
set -euo pipefail
here=$(dirname "$0")
args=()
sip="${ROSTER_SIP:-on}"
for arg in "$@"; do
  if [ "$arg" = --no-sip ]; then sip=off; else args+=("$arg"); fi
done
"$here/setup.sh"
"$here/build.sh" --release
source "$here/env.sh"
cd "$root"
if [ "$sip" != off ]; then
  export ROSTER_SIP_LISTEN="${ROSTER_SIP_LISTEN:-127.0.0.1:5060}"
else
  unset ROSTER_SIP_LISTEN
fi
exec target/release/roster --site-root target/site/release "${args[@]}"
