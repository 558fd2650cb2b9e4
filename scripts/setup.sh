#!/usr/bin/env bash
# Installs what Attestgraph needs, from the package registries only. Idempotent.
#   scripts/setup.sh           Python runtime (requirements.lock) + the built dashboard
#   scripts/setup.sh --dev     also test tools: dev extras (requirements-dev.lock), Java + Maven
#                              (local Neo4j), Chromium
# Each step is skipped when what it depends on is unchanged since it last succeeded: a stamp file
# holds a hash of its inputs (the lock and pyproject; package-lock.json; the dashboard's sources).
set -euo pipefail
cd "$(dirname "$0")/.."

dev=false
[ "${1:-}" = "--dev" ] && dev=true

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=false
apt_install() {
  if [ "$apt_updated" = false ]; then as_root apt-get update -qq; apt_updated=true; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Attestgraph needs Python 3.11 or newer (found $("$python" --version 2>&1))" >&2
  exit 1
fi

# fingerprint FILE...: one hash of the files' names and contents.
fingerprint() { sha256sum "$@" | sha256sum | cut -d' ' -f1; }
# current STAMP HASH: the step that wrote STAMP last succeeded on these very inputs.
current() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
# The lock pins every version with its hash; the project itself goes in editable, without deps.
lock=requirements.lock
[ "$dev" = true ] && lock=requirements-dev.lock
python_inputs=$(fingerprint "$lock" pyproject.toml setup.py)
dev_inputs=$(fingerprint requirements-dev.lock pyproject.toml setup.py)
# The dev install holds the runtime one (its lock constrains the runtime lock's versions).
if [ -x .venv/bin/attestgraph ] && { current ".venv/.stamp-$lock" "$python_inputs" ||
  { [ "$dev" = false ] && current .venv/.stamp-requirements-dev.lock "$dev_inputs"; }; }; then
  echo "Python packages: unchanged since the last install"
else
  rm -f .venv/.stamp-*
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q --require-hashes -r "$lock"
  .venv/bin/python -m pip install -q --no-deps -e .
  echo "$python_inputs" >".venv/.stamp-$lock"
fi

if [ -f frontend/package.json ]; then
  if ! command -v npm >/dev/null; then apt_install nodejs npm; fi
  npm_inputs=$(fingerprint frontend/package.json frontend/package-lock.json)
  if [ -d frontend/node_modules ] && current frontend/node_modules/.stamp-npm-ci "$npm_inputs"; then
    echo "Dashboard packages: unchanged since the last npm ci"
  else
    (cd frontend && npm ci --no-audit --no-fund --loglevel=error)
    echo "$npm_inputs" >frontend/node_modules/.stamp-npm-ci
  fi
  # What the Vite build reads: everything in frontend/ but its packages, its output and the tests'.
  mapfile -t sources < <(find frontend \( -path frontend/node_modules -o -path frontend/dist \
    -o -path frontend/e2e -o -path frontend/test-results \) -prune -o -type f -print | LC_ALL=C sort)
  build_inputs=$(fingerprint "${sources[@]}")
  if [ -f frontend/dist/index.html ] && current frontend/node_modules/.stamp-build "$build_inputs"; then
    echo "Dashboard: unchanged since the last build (frontend/dist)"
  else
    (cd frontend && npm run build --silent)
    echo "$build_inputs" >frontend/node_modules/.stamp-build
  fi
fi

if [ "$dev" = true ]; then
  # The local Neo4j (tools/neo4j) is built with Maven and runs on Java 17+.
  if ! command -v java >/dev/null || ! java -version 2>&1 | grep -Eq 'version "(1[7-9]|[2-9][0-9])'; then
    apt_install openjdk-17-jre-headless
  fi
  command -v mvn >/dev/null || apt_install maven
  # The dashboard's end-to-end tests drive Debian's Chromium (browsers are not downloaded).
  [ -x /usr/bin/chromium ] || apt_install chromium
fi
