#!/usr/bin/env bash
# Sets up, builds (release) and runs Roster at http://127.0.0.1:3000 on the SQLite file roster.db.
# Flags are passed on to the server: scripts/run.sh --help lists them.
set -euo pipefail
here=$(dirname "$0")
"$here/setup.sh"
"$here/build.sh" --release
source "$here/env.sh"
cd "$root"
exec target/release/roster --site-root target/site/release "$@"
