# Sourced by the other scripts: the toolchain scripts/setup.sh chose, and the tools it installed.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
toolchain=$(cat "$root/target/.toolchain" 2>/dev/null || echo default)
if [ "$toolchain" != default ]; then export RUSTUP_TOOLCHAIN="$toolchain"; fi
export PATH="$HOME/.cargo/bin:$root/end2end/node_modules/.bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
