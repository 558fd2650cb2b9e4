#!/usr/bin/env bash
# Regenerates the Python lock files from pyproject.toml; run it after changing a dependency there
# (tests/test_lock_files.py fails until the locks agree with pyproject.toml):
#   requirements.lock      the service's dependencies (the Dockerfile, scripts/setup.sh)
#   requirements-dev.lock  plus every extra: dev, bench, ... (scripts/setup.sh --dev, CI)
# Versions already locked are kept unless pyproject.toml rules them out; `scripts/lock.sh --upgrade`
# moves everything to the newest allowed. Exact versions with hashes, for every platform and
# Python 3.11+, so one lock serves this machine, CI and the Docker image alike.
set -euo pipefail
cd "$(dirname "$0")/.."
uv=${UV:-.venv/bin/uv}
common=(--quiet --universal --python-version 3.11 --generate-hashes --custom-compile-command scripts/lock.sh "$@")
# The dev lock first, and the runtime lock constrained by it: both pin the same versions.
"$uv" pip compile pyproject.toml --all-extras "${common[@]}" -o requirements-dev.lock
"$uv" pip compile pyproject.toml "${common[@]}" --constraint requirements-dev.lock -o requirements.lock
