#!/usr/bin/env bash
# Pins every Python dependency of pyproject.toml, transitive ones included, with their hashes (`make locks`):
#   requirements/runtime.txt   what running Grappe needs (`make demo`, production)
#   requirements/dev.txt       the same versions (constrained by runtime.txt) plus the test extra (`make test`)
# Versions already pinned are kept; pip-compile's options pass through:
#   scripts/locks.sh --upgrade-package django   moves one package (and what it needs) to its newest allowed
#   scripts/locks.sh --upgrade                  moves everything
# pip-compile resolves for the Python it runs on, so this runs on Python 3.11, the oldest supported: newer
# ones need no package that 3.11 does not (backports only go the other way).
# Extras stay in the pins (fonttools[woff]==…): pip's hash mode refuses a dependency that asks for an extra
# the lock does not pin, as soon as a newer release of that package exists.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v python3.11 >/dev/null && python3.11 --version >/dev/null 2>&1 \
  || { echo "The locks are compiled with Python 3.11 (the oldest supported): install python3.11" >&2; exit 1; }
tools=.venv/pip-tools  # pip-tools in a venv of its own, so that its packages never mix with Grappe's
if [ ! -x "$tools/bin/pip-compile" ]; then
  echo "==> Installing pip-tools in $tools"
  mkdir -p .venv
  python3.11 -m venv "$tools"
  "$tools/bin/pip" install -q --disable-pip-version-check pip-tools==7.6.2 2>&1 | { grep -v "^WARNING: Location" || true; }
fi

export CUSTOM_COMPILE_COMMAND="make locks"
compile=("$tools/bin/pip-compile" --quiet --generate-hashes --no-strip-extras --allow-unsafe
         --no-emit-index-url --no-emit-find-links "$@")
echo "==> requirements/runtime.txt"
"${compile[@]}" -o requirements/runtime.txt pyproject.toml 2>&1 | { grep -v "WARNING: Location" || true; }
echo "==> requirements/dev.txt"
"${compile[@]}" --extra test -c requirements/runtime.txt -o requirements/dev.txt pyproject.toml 2>&1 \
  | { grep -v "WARNING: Location" || true; }
