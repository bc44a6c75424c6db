#!/usr/bin/env bash
# Installs everything Grappe needs on a fresh Debian machine: system packages (when root), a virtualenv
# with the locked Python dependencies, compiled translations. Safe to run again: it skips what is done.
#   scripts/bootstrap.sh          what running Grappe needs (requirements/runtime.txt)
#   scripts/bootstrap.sh --test   also what the test suite needs (requirements/dev.txt, and Chromium for the
#                                 browser tests)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

debian_packages=(gettext libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
# The tests also lint the production install script (grappe/operations/tests/test_deploy.py).
[ "$want_test" = 1 ] && debian_packages+=(chromium shellcheck)
missing=()
for package in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "==> Installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "==> Please install these Debian packages first: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

python=""
for candidate in python3.13 python3.12 python3.11 python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(not ((3, 11) <= sys.version_info < (3, 14)))' 2>/dev/null; then
    python=$candidate; break
  fi
done
[ -n "$python" ] || { echo "Grappe needs Python 3.11 to 3.13" >&2; exit 1; }

if [ ! -x .venv/bin/python ]; then
  echo "==> Creating the virtualenv with $python"
  "$python" -m venv .venv
fi
# The locks pin every package with its hashes (scripts/locks.sh makes them): the runtime's alone, or with
# --test the test tools' too. The stamp holds the checksums of the locks last installed, so that a changed
# lock is installed again.
locks=(requirements/runtime.txt)
[ "$want_test" = 1 ] && locks+=(requirements/dev.txt)
stamp=.venv/.requirements-installed
installed=1
for lock in "${locks[@]}"; do
  grep -qxF "$(sha256sum "$lock")" "$stamp" 2>/dev/null || installed=0
done
if [ "$installed" = 0 ]; then
  echo "==> Installing Python packages (${locks[*]})"
  requirements=()
  for lock in "${locks[@]}"; do requirements+=(-r "$lock"); done
  # (grep hides pip's notes about local package mirrors that this kind of machine may not have)
  .venv/bin/pip install -q --disable-pip-version-check --require-hashes "${requirements[@]}" 2>&1 \
    | { grep -v "^WARNING: Location" || true; }
  sha256sum "${locks[@]}" > "$stamp"
fi

echo "==> Compiling translations"
.venv/bin/python manage.py compilemessages -v0 --ignore=.venv
