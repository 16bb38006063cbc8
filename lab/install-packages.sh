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
echo "installing: ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
