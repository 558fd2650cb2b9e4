#!/usr/bin/env bash
# Sets up and runs Attestgraph on the embedded store with the seed catalog and demo org loaded.
# A second start skips the installs and the dashboard build when nothing changed (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Bytecode for the project's own modules even where PYTHONDONTWRITEBYTECODE is set (as on CI's
# machines): only changed files are compiled, and each start then skips compiling them all again.
.venv/bin/python -m compileall -q graph service >/dev/null
host=${HOST:-127.0.0.1}
port=${PORT:-8000}
echo "Dashboard: http://$host:$port/   GraphQL: http://$host:$port/graphql"
exec .venv/bin/attestgraph serve --demo --data-dir "${ATTESTGRAPH_DATA_DIR:-data}" --host "$host" --port "$port"
