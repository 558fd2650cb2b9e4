#!/usr/bin/env bash
# Installs what Attestgraph needs, from the package registries only. Idempotent.
#   scripts/setup.sh           Python runtime + the built dashboard
#   scripts/setup.sh --dev     also test tools: dev extras, Java + Maven (local Neo4j), Chromium
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
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
if [ "$dev" = true ]; then
  .venv/bin/python -m pip install -q -e ".[dev,bench]"
else
  .venv/bin/python -m pip install -q -e .
fi

if [ -f frontend/package.json ]; then
  if ! command -v npm >/dev/null; then apt_install nodejs npm; fi
  (cd frontend && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent)
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
