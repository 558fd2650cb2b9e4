"""scripts/setup.sh (which scripts/run.sh calls) redoes a step only when that step's inputs changed.

Run on a scratch copy of the script with stand-ins for the venv's Python and for npm that record
what they were asked to do, so the test sees exactly which installs and builds a start runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

RECORDING_PYTHON = """#!/usr/bin/env bash
echo "python $*" >>"$CALLS"
"""
RECORDING_NPM = """#!/usr/bin/env bash
echo "npm $*" >>"$CALLS"
case "$*" in
  ci*) mkdir -p node_modules ;;
  "run build"*) mkdir -p dist && echo built >dist/index.html ;;
esac
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with the real setup.sh, a "venv" and npm that only record their calls."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "setup.sh", tmp_path / "scripts" / "setup.sh")
    for name in ("pyproject.toml", "setup.py", "requirements.lock", "requirements-dev.lock"):
        (tmp_path / name).write_text(f"{name}\n")
    (tmp_path / "frontend" / "src").mkdir(parents=True)
    for name in ("package.json", "package-lock.json", "index.html", "src/main.ts"):
        (tmp_path / "frontend" / name).write_text(f"{name}\n")
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    tools = tmp_path / "tools-on-path"
    tools.mkdir()
    for path, text in ((bin_dir / "python", RECORDING_PYTHON), (tools / "npm", RECORDING_NPM)):
        path.write_text(text)
        path.chmod(0o755)
    (bin_dir / "attestgraph").write_text("")
    (bin_dir / "attestgraph").chmod(0o755)
    return tmp_path


def start(project: Path) -> list[str]:
    """Run setup.sh once; the installs and builds it ran."""
    calls = project / "calls.log"
    calls.write_text("")
    env = {**os.environ, "CALLS": str(calls), "PATH": f"{project / 'tools-on-path'}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["bash", "scripts/setup.sh"], cwd=project, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return calls.read_text().splitlines()


PIP = [
    "python -m pip install -q --upgrade pip",
    "python -m pip install -q --require-hashes -r requirements.lock",
    "python -m pip install -q --no-deps -e .",
]
NPM_CI, BUILD = "npm ci --no-audit --no-fund --loglevel=error", "npm run build --silent"


def test_a_second_start_installs_and_builds_nothing(project: Path) -> None:
    assert start(project) == [*PIP, NPM_CI, BUILD]
    assert start(project) == []


def test_each_step_runs_again_when_its_own_inputs_change(project: Path) -> None:
    start(project)
    (project / "frontend" / "src" / "main.ts").write_text("changed\n")
    assert start(project) == [BUILD]
    (project / "frontend" / "package-lock.json").write_text("changed\n")
    assert start(project) == [NPM_CI, BUILD]  # the lock is also an input of the build
    (project / "requirements.lock").write_text("changed\n")
    assert start(project) == PIP
    assert start(project) == []


def test_a_missing_output_is_rebuilt_even_with_a_current_stamp(project: Path) -> None:
    start(project)
    shutil.rmtree(project / "frontend" / "dist")
    assert start(project) == [BUILD]
    shutil.rmtree(project / "frontend" / "node_modules")  # the npm and build stamps live there
    assert start(project) == [NPM_CI, BUILD]
