#!/usr/bin/env bash
# Installs the tests' SMTP server (aiosmtpd from PyPI, at a pinned version) into target/test-smtp,
# a virtualenv, once; later runs do nothing. Prints the Python to run scripts/test-smtp.py with.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
AIOSMTPD_VERSION=1.4.6
venv="$root/target/test-smtp"
if ! "$venv/bin/python" -c "import aiosmtpd, sys; sys.exit(aiosmtpd.__version__ != '$AIOSMTPD_VERSION')" 2>/dev/null; then
  printf '[test-smtp] installing aiosmtpd %s into %s\n' "$AIOSMTPD_VERSION" "$venv" >&2
  if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3 python3-venv >/dev/null
  fi
  rm -rf "$venv"
  mkdir -p "$root/target"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "aiosmtpd==$AIOSMTPD_VERSION"
fi
echo "$venv/bin/python"
