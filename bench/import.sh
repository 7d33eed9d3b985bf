#!/usr/bin/env bash
# The bulk import benchmark: a CSV of 10,000 users (or $1) imported all at once into a new domain of
# a fresh SQLite database, in a release build. Prints the seconds of the dry run, the import and the
# export; asserts nothing about them. Pass --database-url postgres://... after the count for Postgres.
# Usage: bench/import.sh [users, default 10000] [--database-url URL]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
source "$root/scripts/env.sh"
cd "$root"
cargo build -q --release -p bench --bin import
exec target/release/import "${@:-10000}"
