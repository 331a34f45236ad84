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

# The page checks (tests/test_reading.py) also need the Nu Html Checker (the npm package
# vnu-jar, run with Java 17) and pdftoppm (poppler-utils) to picture printed pages.
apt_install() {
  if [[ $(id -u) -eq 0 ]]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  elif command -v sudo >/dev/null; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "The page checks need: apt-get install -y $*" >&2
    exit 1
  fi
}
missing=()
command -v java >/dev/null || missing+=(default-jre-headless)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
command -v npm >/dev/null || missing+=(npm)
if (( ${#missing[@]} )); then
  apt_install "${missing[@]}"
fi
VNU=.cache/vnu/node_modules/vnu-jar/build/dist/vnu.jar
if [[ ! -f "$VNU" ]]; then
  npm install --prefix .cache/vnu --no-audit --no-fund --silent vnu-jar >/dev/null
fi

exec "$VENV/bin/python" -m pytest "$@"
