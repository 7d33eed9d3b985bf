#!/usr/bin/env bash
# Builds Roster: the server binary and the browser bundle that goes with it.
#   scripts/build.sh            debug build  -> target/debug/roster,   target/site/dev/pkg
#   scripts/build.sh --release  release     -> target/release/roster, target/site/release/pkg
#   scripts/build.sh --bundle-only   the debug bundle alone (the tests build the binary themselves)
# The two bundles live apart so a server never serves a .wasm from another build.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$root"

bundle_only=""
if [ "${1:-}" = --bundle-only ]; then bundle_only=1; fi
if [ "${1:-}" = --release ]; then
  server_profile=release; wasm_profile=wasm-release; site=target/site/release
else
  server_profile=dev; wasm_profile=dev; site=target/site/dev
fi
wasm_dir=$([ "$wasm_profile" = dev ] && echo debug || echo "$wasm_profile")

cargo build --profile "$wasm_profile" -p frontend --lib --target wasm32-unknown-unknown
[ -n "$bundle_only" ] || cargo build --profile "$server_profile" -p server --bin roster

mkdir -p "$site/pkg"
wasm-bindgen --target web --no-typescript --out-dir "$site/pkg" --out-name roster \
  "target/wasm32-unknown-unknown/$wasm_dir/frontend.wasm"
if [ "$wasm_profile" != dev ]; then
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    "$site/pkg/roster_bg.wasm" -o "$site/pkg/roster_bg.wasm"
fi
cp style/main.css "$site/pkg/roster.css"
echo "built: $( [ "$server_profile" = dev ] && echo target/debug/roster || echo target/release/roster ) with $site" >&2
