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

# pytest-xdist: one worker per core (at most 4), each with its own Neo4j from tools/neo4j;
# --dist loadfile keeps a module's tests (and its module fixtures) on one worker, the slowest
# modules first (tests/conftest.py, SLOWEST_FIRST). NEO4J_URI names
# one database that every test empties, so against it the suite runs serially (tests/conftest.py
# refuses -n > 1 then). PYTEST_WORKERS overrides the count (0: serial).
workers=${PYTEST_WORKERS:-$(nproc)}
[ "$workers" -gt 4 ] && [ -z "${PYTEST_WORKERS:-}" ] && workers=4
parallel=()
if [ -n "${NEO4J_URI:-}" ]; then
  echo "NEO4J_URI is set: pytest runs serially against that one database" >&2
elif [ "$workers" -gt 1 ]; then
  parallel=(-n "$workers" --dist loadfile --no-loadscope-reorder)
fi

run_pytest() {
  local status=0
  .venv/bin/python -m pytest -q -p no:cacheprovider "$@" || status=$?
  if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: that is a failure here" >&2
    exit 1
  fi
  [ "$status" -eq 0 ] || exit "$status"
}

# schemathesis gives each fuzzed operation's generated cases one shared test id, and xdist
# schedules by id (it would run one case per id): the fuzz module runs serially on its own
# (tests/conftest.py refuses duplicate ids under xdist, so this cannot come back unnoticed).
FUZZ=tests/service/test_fuzz.py
if [ "${#parallel[@]}" -gt 0 ] && [ "$#" -eq 0 ]; then
  run_pytest "${parallel[@]}" --ignore="$FUZZ"
  run_pytest "$FUZZ"
else
  run_pytest "${parallel[@]}" "$@"
fi

if [ -f frontend/package.json ]; then
  # Lint first (ESLint, Prettier, generated API types in step with docs/schema.graphql): cheap, and a
  # stale generated.ts would make the unit tests check the wrong shapes.
  (cd frontend && npm run lint --silent && npm test --silent && npm run test:e2e --silent)
fi
