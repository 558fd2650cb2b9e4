#!/usr/bin/env bash
# Sets up and runs every check: lint, types, the Python suite on both stores (a real Neo4j is
# started by the test fixtures unless NEO4J_URI points at one), the dashboard's lint and unit tests and
# its end-to-end tests in headless Chromium against the real service.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev

.venv/bin/ruff check graph service tests bench
.venv/bin/ruff format --check graph service tests bench
.venv/bin/mypy

status=0
.venv/bin/python -m pytest -q -p no:cacheprovider "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure here" >&2
  exit 1
fi
[ "$status" -eq 0 ] || exit "$status"

if [ -f frontend/package.json ]; then
  # Lint first (ESLint, Prettier, generated API types in step with docs/schema.graphql): cheap, and a
  # stale generated.ts would make the unit tests check the wrong shapes.
  (cd frontend && npm run lint --silent && npm test --silent && npm run test:e2e --silent)
fi
