#!/usr/bin/env bash
# Installs the Debian packages listed in lab/debian-packages.txt that are missing.
# Keeps apt from starting the packaged services (policy-rc.d), as the tests start
# their own servers on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")"
[ -f debian-packages.txt ] || exit 0
missing=()
while read -r package; do
  package=${package%%#*}; package=$(echo "$package" | xargs)
  [ -n "$package" ] || continue
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done < debian-packages.txt
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${missing[*]} (run as root to install them)" >&2
  exit 1
fi
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
fi
# One line per step on the terminal; apt's own output goes to a log file, named (with its
# tail) when a step fails.
mkdir -p "${VIGIL_LOG_DIR:-/tmp}"
log=$(mktemp "${VIGIL_LOG_DIR:-/tmp}/vigil-install.XXXXXX.log")
step() {
  local what=$1; shift
  local started=$SECONDS
  printf '  %s… ' "$what" >&2
  if "$@" >>"$log" 2>&1; then
    printf 'done (%ds)\n' $((SECONDS - started)) >&2
  else
    printf 'FAILED\n' >&2
    echo "---- the last lines of $log:" >&2
    tail -n 25 "$log" >&2
    echo "---- the whole log: $log" >&2
    exit 1
  fi
}
echo "installing ${#missing[@]} Debian packages: ${missing[*]} (log: $log)" >&2
step "reading the package lists" apt-get update
step "downloading and installing" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
rm -f "$log"
