#!/usr/bin/env bash
# Sets up and runs Attestgraph on the embedded store with the seed catalog and demo org loaded.
# A second start skips the installs and the dashboard build when nothing changed (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
host=${HOST:-127.0.0.1}
port=${PORT:-8000}
echo "Dashboard: http://$host:$port/   GraphQL: http://$host:$port/graphql"
exec .venv/bin/attestgraph serve --demo --data-dir "${ATTESTGRAPH_DATA_DIR:-data}" --host "$host" --port "$port"
