#!/usr/bin/env bash
# Sets up and runs Attestgraph on the embedded store with the seed catalog and demo org loaded.
# Dashboard: http://127.0.0.1:${PORT:-8000}/   GraphQL: http://127.0.0.1:${PORT:-8000}/graphql
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/attestgraph serve --demo --data-dir "${ATTESTGRAPH_DATA_DIR:-data}" \
  --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"
