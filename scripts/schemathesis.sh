#!/usr/bin/env bash
# Fuzzes the HTTP API from its own OpenAPI document with Schemathesis: a `roster` server on a fresh
# SQLite file, its first Super User logged in, an API key, a domain and two users made through the
# API, then `schemathesis run` against /ns-api/v2/openapi.json, and then against the documents of
# the vendor APIs (/wazo/1.1, /1.0, /servetel/v1). Fails on any 5xx, any answer whose
# body or content type the document does not describe, or any error of the run itself.
#
#   scripts/schemathesis.sh                   builds and fuzzes target/debug/roster
#   ROSTER_BIN=path scripts/schemathesis.sh   fuzzes that binary as it is (scripts/test.sh passes
#                                             the one `cargo test -p server` has just built)
#   ST_MAX_EXAMPLES=100 ST_SEED=7 ...         more examples per operation (default 30), another
#                                             seed (the default is fixed, so runs repeat)
#   ST_REPORT_DIR=dir ...                     keep the HAR of every request and answer there
#
# Schemathesis is installed from PyPI at the pinned version into target/schemathesis (a
# virtualenv) once; later runs reuse it. Settings beyond the command line: scripts/schemathesis.toml.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$root"

SCHEMATHESIS_VERSION=4.32.5
venv=target/schemathesis
log() { printf '[schemathesis] %s\n' "$*" >&2; }

# --- install (once) -------------------------------------------------------------------------------
if [ "$("$venv/bin/schemathesis" --version 2>/dev/null | awk '{print $NF}')" != "$SCHEMATHESIS_VERSION" ]; then
  log "installing schemathesis $SCHEMATHESIS_VERSION into $venv"
  if ! command -v curl >/dev/null || ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
      curl python3 python3-venv >/dev/null
  fi
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

# --- the server -----------------------------------------------------------------------------------
if [ -n "${ROSTER_BIN:-}" ]; then
  bin=$ROSTER_BIN
else
  bin=target/debug/roster
  cargo build -q -p server --bin roster
fi
work=$(mktemp -d)
pid=""
cleanup() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
"$bin" --database-url "$work/roster.db" --listen "127.0.0.1:$port" --site-root target/site/dev \
  --log-level warn >"$work/roster.out" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  if curl -sf "$base/readyz" >/dev/null && grep -q 'token=' "$work/roster.out"; then break; fi
  kill -0 "$pid" 2>/dev/null || { cat "$work/roster.out" >&2; log "the server did not start"; exit 1; }
  sleep 0.1
done
grep -q 'token=' "$work/roster.out" || { log "the server did not print the first Super User's link"; exit 1; }

# The first Super User: its one-time link, a password, a session, then an API key.
password="schema fuzzing orbit tangerine"
cookie=$(scripts/first-admin.sh "$base" "$work/roster.out" "$password")
# An API call that must succeed: prints the answer's body, or the answer and fails.
api() { # method path [json body] -> body on stdout
  local code
  code=$(curl -sS -o "$work/answer" -w '%{http_code}' -X "$1" "$base/ns-api/v2$2" \
    -H "cookie: $cookie" ${token:+-H "authorization: Bearer $token"} \
    -H 'content-type: application/json' ${3:+-d "$3"})
  case "$code" in 2*) cat "$work/answer" ;; *) log "$1 $2: $code $(cat "$work/answer")"; exit 1 ;; esac
}
token=""
token=$(api POST /apikeys '{"description": "Schemathesis fuzzing run", "domain": "*", "can-create-keys": "yes"}' \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])')
# A spare key and a spare domain, for the fuzzer's deletes (see scripts/schemathesis.toml).
ST_SPARE_KEY=$(api POST /apikeys '{"description": "Schemathesis may revoke this one", "domain": "*"}' \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["key-id"])')
export ST_SPARE_KEY
api POST /domains '{"domain": "acme.example", "description": "Fuzzed"}' >/dev/null
api POST /domains '{"domain": "doomed.example", "description": "Fuzzed, then deleted"}' >/dev/null
for user in 1001 1002; do
  api POST /domains/acme.example/users "{\"user\": \"$user\", \"name-first-name\": \"Ann\", \"name-last-name\": \"Lee\",
    \"email\": \"u$user@example.com\", \"voicemail\": {\"enabled\": \"yes\"}, \"phone-numbers\": [\"+1612555$user\"]}" >/dev/null
done

# --- the run --------------------------------------------------------------------------------------
log "schemathesis $SCHEMATHESIS_VERSION against $base/ns-api/v2/openapi.json"
status=0
# One worker: with two, Hypothesis' lambda descriptions (ast.parse from two threads) can crash
# CPython 3.11 ("AST constructor recursion depth mismatch"); the run takes about half a minute.
"$venv/bin/schemathesis" --config-file scripts/schemathesis.toml run "$base/ns-api/v2/openapi.json" \
  --url "$base/ns-api/v2" \
  -H "Authorization: Bearer $token" \
  --checks not_a_server_error,response_schema_conformance,content_type_conformance \
  --max-examples "${ST_MAX_EXAMPLES:-30}" \
  --seed "${ST_SEED:-20261123}" \
  --workers 1 \
  --generation-database none \
  --no-color \
  --report har --report-dir "${ST_REPORT_DIR:-$work/report}" || status=$?
# Then the vendor APIs (Wazo's, XiVO's, Servetel's), each from its own document, in acme.example
# (named by the headers they read); they come last, as their deletes reach users by row id.
for api in wazo/1.1 1.0 servetel/v1; do
  log "schemathesis $SCHEMATHESIS_VERSION against $base/$api/openapi.json"
  "$venv/bin/schemathesis" --config-file scripts/schemathesis.toml run "$base/$api/openapi.json" \
    --url "$base/$api" \
    -H "Authorization: Bearer $token" -H "Wazo-Tenant: acme.example" -H "X-Roster-Domain: acme.example" \
    --checks not_a_server_error,response_schema_conformance,content_type_conformance \
    --max-examples "${ST_MAX_EXAMPLES:-30}" \
    --seed "${ST_SEED:-20261123}" \
    --workers 1 \
    --generation-database none \
    --no-color \
    --report har --report-dir "${ST_REPORT_DIR:-$work/report}/${api//\//-}" || status=$?
done
if [ "$status" != 0 ]; then
  log "failed (exit $status); the server's log:"
  grep -iE 'error|panic' "$work/roster.out" | tail -n 40 >&2 || true
  exit "$status"
fi
log "passed"
