#!/usr/bin/env bash
# Install everything the test suite needs, then run all of it.
# Used as-is by the README and by CI (.ci/run). Safe to run again: it only installs what is
# missing. Extra arguments go to pytest (e.g. `bash scripts/test.sh -k nel`).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
if [[ ! -x "$VENV/bin/python" ]]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -e ".[test]"

# Browser tests drive Debian's chromium (never a downloaded browser build).
if [[ ! -x /usr/bin/chromium ]]; then
  if [[ $(id -u) -eq 0 ]]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  elif command -v sudo >/dev/null; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Browser tests need Debian's chromium: apt-get install -y chromium" >&2
    exit 1
  fi
fi

exec "$VENV/bin/python" -m pytest "$@"
