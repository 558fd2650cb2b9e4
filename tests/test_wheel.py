"""The wheel works alone: built from this checkout, installed into a fresh virtual environment
outside it (its dependencies from requirements.lock, as the Dockerfile installs them), and
`attestgraph serve --demo` from there serves the dashboard and answers GraphQL.

The dashboard must be built first (scripts/setup.sh does, before scripts/test.sh runs pytest).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.service.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent
KEY = re.compile(r"(ag_[0-9a-f]{16}_[A-Za-z0-9_-]{43})")
COVERAGE = '{ coverage(framework: "soc2-tsc-2017") { totals { total covered partial uncovered } } }'


def run(*command: str | Path, cwd: Path) -> str:
    done = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{' '.join(map(str, command))} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv outside the checkout holding the wheel and the locked dependencies; its bin/."""
    if not (ROOT / "frontend" / "dist" / "index.html").is_file():
        pytest.fail("frontend/dist is not built: run `npm ci && npm run build` in frontend/ (scripts/setup.sh does)")
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    assert uv is not None, "uv is a dev dependency (requirements-dev.lock): run scripts/setup.sh --dev"
    home = tmp_path_factory.mktemp("wheel")
    # No build isolation: the dev venv's setuptools builds it, nothing is fetched for the build.
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", home, ROOT, cwd=home)
    (wheel,) = home.glob("attestgraph-*.whl")
    venv = home / "venv"
    run(uv, "venv", "-q", "--python", sys.executable, venv, cwd=home)
    python = venv / "bin" / "python"
    run(uv, "pip", "install", "-q", "--python", python, "--require-hashes", "-r", ROOT / "requirements.lock", cwd=home)
    run(uv, "pip", "install", "-q", "--python", python, "--no-deps", wheel, cwd=home)
    return venv / "bin"


@pytest.fixture(scope="module")
def served(installed: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """`attestgraph serve --demo` of the installed wheel, run from outside the checkout: (url, key)."""
    home = tmp_path_factory.mktemp("serve")
    # Nothing of the checkout's environment may lead back into it.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ATTESTGRAPH_", "PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = f"{installed}{os.pathsep}{env.get('PATH', '')}"
    port = free_port()
    command = [str(installed / "attestgraph"), "serve", "--demo", "--data-dir", str(home / "data"), "--port", str(port)]
    process = subprocess.Popen(command, cwd=home, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert process.stdout is not None
        key, seen, deadline = None, [], time.monotonic() + 120
        while key is None and time.monotonic() < deadline and process.poll() is None:
            line = process.stdout.readline()
            seen.append(line)
            found = KEY.search(line)
            key = found.group(1) if found else None
        assert key is not None, "serve --demo from the wheel printed no admin key:\n" + "".join(seen)
        url = f"http://127.0.0.1:{port}"
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield url, key
    finally:
        process.kill()
        process.wait(timeout=10)


def test_the_installed_package_is_the_wheel_not_the_checkout(installed: Path) -> None:
    imports = "import graph, service; print(graph.__file__, service.__file__)"
    where = run(installed / "python", "-c", imports, cwd=Path("/"))
    assert str(ROOT) not in where and "site-packages" in where


def test_the_wheel_serves_the_built_dashboard(served: tuple[str, str]) -> None:
    url, _ = served
    page = httpx.get(f"{url}/", timeout=10)
    assert page.status_code == 200
    assert page.text == (ROOT / "frontend" / "dist" / "index.html").read_text()


def test_the_wheel_serves_graphiql_from_its_dashboard_build(served: tuple[str, str]) -> None:
    url, _ = served
    page = httpx.get(f"{url}/graphql", headers={"Accept": "text/html"}, timeout=10)
    assert page.status_code == 200
    assert page.text == (ROOT / "frontend" / "dist" / "graphiql.html").read_text()


def test_the_wheel_answers_graphql_on_its_demo(served: tuple[str, str]) -> None:
    url, key = served
    answer = httpx.post(
        f"{url}/graphql", json={"query": COVERAGE}, headers={"Authorization": f"Bearer {key}"}, timeout=30
    ).json()
    totals = answer["data"]["coverage"]["totals"]
    assert totals["covered"] > 0, answer  # the shipped demo org was loaded and has evidence
    assert totals["total"] == totals["covered"] + totals["partial"] + totals["uncovered"]


def test_without_a_built_dashboard_the_wheel_build_fails_saying_how_to_build_it(tmp_path: Path) -> None:
    for name in ("pyproject.toml", "setup.py", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, tmp_path / name)
    for folder in ("graph", "service", "seeds"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", "out", "."]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode != 0
    assert "the dashboard is not built" in done.stdout + done.stderr
    assert "npm run build" in done.stdout + done.stderr
    assert not list(tmp_path.glob("out/*.whl"))
