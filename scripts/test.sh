#!/usr/bin/env bash
# Runs every test: unit and property tests, integration tests against SQLite and Postgres, and the
# browser tests in Chromium. Installs what is missing first.
set -euo pipefail
here=$(dirname "$0")
"$here/setup.sh"
"$here/ensure-postgres.sh"
source "$here/env.sh"
cd "$root"
export ROSTER_TEST_POSTGRES_URL="${ROSTER_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
# The tests' SMTP server (aiosmtpd, from PyPI): each test that sends mail starts its own.
ROSTER_TEST_SMTP_PYTHON=$("$here/test-smtp.sh")
export ROSTER_TEST_SMTP_PYTHON

echo "== unit and property tests (app, model and database layer)" >&2
cargo test -p app --features ssr
echo "== integration tests (server, SQLite and Postgres)" >&2
cargo test -p server
echo "== API fuzzing (Schemathesis, from the OpenAPI document)" >&2
# Against the target/debug/roster that `cargo test -p server` built.
ROSTER_BIN="$root/target/debug/roster" "$here/schemathesis.sh"
echo "== browser tests (Chromium)" >&2
# `cargo test -p server` built target/debug/roster (with the tests' feature set): reuse it and
# build only the browser bundle beside it.
"$here/build.sh" --bundle-only
(cd end2end && ROSTER_BIN="$root/target/debug/roster" ROSTER_SITE_ROOT="$root/target/site/dev" npm test)
