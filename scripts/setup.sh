#!/usr/bin/env bash
# Installs everything Roster needs to build, run and test, on a fresh machine or an ordinary
# developer machine, and does nothing when it is all present (a few seconds).
#
#  1. a Rust toolchain that can target wasm32-unknown-unknown: the active one if it can already,
#     otherwise Debian's rustc-web with a std built once for wasm32 (see ../shared/toolchain.md);
#  2. wasm-bindgen-cli at exactly the version pinned in Cargo.toml;
#  3. wasm-opt 132 (npm `binaryen`) and playwright-core in end2end/node_modules;
#  4. Debian's chromium for the browser tests;
#  5. Debian's Kamailio (Roster's SIP side, with its SQLite and Postgres modules) and sipp
#     (`sip-tester`, the phones of the SIP tests and benchmark).
#
# It writes the chosen toolchain to target/.toolchain so scripts/env.sh can export it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
: "${WASM_BINDGEN_VERSION:?Cargo.toml must pin wasm-bindgen}"
mkdir -p target
log() { printf '[setup] %s\n' "$*" >&2; }

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

has_wasm_std() { # $1: rustc to ask
  local dir
  dir=$("$@" --print target-libdir --target wasm32-unknown-unknown 2>/dev/null) || return 1
  compgen -G "$dir/libstd-*.rlib" >/dev/null
}

# --- 1. toolchain -----------------------------------------------------------------------------
toolchain=""
if [ -n "${RUSTUP_TOOLCHAIN:-}" ] && has_wasm_std rustc; then
  toolchain="$RUSTUP_TOOLCHAIN"
elif has_wasm_std rustc; then
  toolchain="default"
else
  log "the active Rust toolchain cannot build wasm32: using Debian's rustc-web"
  if [ ! -x /usr/bin/rustc ] || ! dpkg -s rust-web-src lld-22 >/dev/null 2>&1; then
    apt_install rustc-web cargo-web rust-web-src rust-web-llvm lld-22
  fi
  libdir=/usr/lib/rustlib/wasm32-unknown-unknown/lib
  stamp="$libdir/.built-by"
  want=$(/usr/bin/rustc -V)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    log "building std for wasm32 with $want (about a minute)"
    scratch=$(mktemp -d)
    mkdir -p "$scratch/src" && printf 'pub fn f() {}\n' >"$scratch/src/lib.rs"
    printf '[package]\nname = "wasmstdseed"\nversion = "0.0.0"\nedition = "2021"\n[lib]\npath = "src/lib.rs"\n' >"$scratch/Cargo.toml"
    (cd "$scratch" && env -u RUSTUP_TOOLCHAIN RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 RUSTFLAGS=-Cembed-bitcode=yes \
      CARGO_TARGET_DIR="$scratch/target" /usr/bin/cargo build -q --release \
      -Zbuild-std=std,panic_abort --target wasm32-unknown-unknown)
    $SUDO rm -rf "$libdir" && $SUDO mkdir -p "$libdir"
    $SUDO cp "$scratch"/target/wasm32-unknown-unknown/release/deps/*.rlib "$libdir/"
    $SUDO rm -f "$libdir"/libwasmstdseed-*.rlib
    echo "$want" | $SUDO tee "$stamp" >/dev/null
    rm -rf "$scratch"
  fi
  if ! rustup toolchain list | grep -q '^debian-web'; then
    rustup toolchain link debian-web /usr
  fi
  toolchain="debian-web"
fi
echo "$toolchain" >target/.toolchain
if [ "$toolchain" = default ]; then unset RUSTUP_TOOLCHAIN; else export RUSTUP_TOOLCHAIN="$toolchain"; fi

# --- 2. wasm-bindgen-cli ----------------------------------------------------------------------
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about four minutes)"
  cargo install -q wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# --- 3. node packages (wasm-opt, playwright-core) ----------------------------------------------
if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ ! -d end2end/node_modules/playwright-core ] \
   || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  log "installing end2end/node_modules"
  (cd end2end && npm ci --no-audit --no-fund --loglevel=error)
fi

# --- 4. chromium -------------------------------------------------------------------------------
if [ ! -x /usr/bin/chromium ]; then
  log "installing Debian's chromium"
  apt_install chromium
fi
# --- 5. kamailio and sipp ----------------------------------------------------------------------
if ! dpkg -s kamailio kamailio-sqlite-modules kamailio-postgres-modules sip-tester >/dev/null 2>&1; then
  log "installing Debian's kamailio and sip-tester"
  apt_install kamailio kamailio-sqlite-modules kamailio-postgres-modules sip-tester
fi
log "ready (toolchain: $toolchain)"
