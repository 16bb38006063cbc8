#!/bin/bash
# Installs vigil: the binary, its shell completions (bash, zsh, fish) and its man page, the
# completions and the page generated from the argument parser (so they say exactly what the
# binary accepts).
#
#   lab/install.sh [--prefix DIR] [--binary PATH]
#
# --prefix   where to install (default /usr/local): DIR/bin/vigil,
#            DIR/share/bash-completion/completions/vigil, DIR/share/zsh/site-functions/_vigil,
#            DIR/share/fish/vendor_completions.d/vigil.fish, DIR/share/man/man1/vigil.1
# --binary   an already built vigil (default: build the release binary, its log in a file
#            named on failure)
set -euo pipefail

prefix=/usr/local
binary=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; shift 2 ;;
    --binary) binary="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "$0")/.." && pwd)"
if [ -z "$binary" ]; then
  [ -d /opt/swift/usr/bin ] && export PATH="/opt/swift/usr/bin:$PATH"
  log="$(mktemp /tmp/vigil-install-build.XXXXXX.log)"
  echo "building vigil (release; about 4 minutes on 2 cores)…"
  if ! (cd "$root" && swift build -c release --product vigil) >"$log" 2>&1; then
    echo "install.sh: the build failed; its log: $log" >&2
    exit 1
  fi
  rm -f "$log"
  binary="$root/.build/release/vigil"
fi
[ -x "$binary" ] || { echo "install.sh: $binary is not an executable" >&2; exit 1; }

install -D -m 0755 "$binary" "$prefix/bin/vigil"
vigil="$prefix/bin/vigil"
install -d "$prefix/share/bash-completion/completions" "$prefix/share/zsh/site-functions" \
  "$prefix/share/fish/vendor_completions.d" "$prefix/share/man/man1"
"$vigil" --generate-completion-script bash >"$prefix/share/bash-completion/completions/vigil"
"$vigil" --generate-completion-script zsh >"$prefix/share/zsh/site-functions/_vigil"
"$vigil" --generate-completion-script fish >"$prefix/share/fish/vendor_completions.d/vigil.fish"
python3 "$root/lab/vigil-man.py" "$vigil" >"$prefix/share/man/man1/vigil.1"
echo "installed vigil $("$vigil" --version) in $prefix: bin/vigil, completions (bash, zsh, fish), man page (man vigil)"
