#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 for the tests (user postgres, trust
# auth): starts the machine's cluster if it is stopped, installs one if there is none.
set -euo pipefail
ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
ready && exit 0
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  echo "[postgres] installing PostgreSQL" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
  for hba in /etc/postgresql/*/main/pg_hba.conf; do
    $SUDO sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$hba"
  done
fi
version=$(ls /etc/postgresql | sort -V | tail -n1)
echo "[postgres] starting cluster $version/main" >&2
$SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
for _ in $(seq 1 30); do ready && exit 0; sleep 1; done
echo "[postgres] PostgreSQL did not come up on 127.0.0.1:5432" >&2
exit 1
