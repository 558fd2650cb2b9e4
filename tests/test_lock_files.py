"""The lock files agree with pyproject.toml (regenerate both with scripts/lock.sh).

requirements.lock pins the service's dependencies, requirements-dev.lock those plus every extra
(dev, bench, ...); CI, the Dockerfile and scripts/setup.sh install from them. Checked offline: the
packages each lock names as pyproject's own are exactly pyproject's requirements, every pinned
version is one pyproject allows, and the two locks pin the same versions.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
LOCKS = {"requirements.lock": (), "requirements-dev.lock": tuple(PYPROJECT["optional-dependencies"])}
REGENERATE = "regenerate the locks with: scripts/lock.sh"

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")
DIRECT = "attestgraph (pyproject.toml)"


def parse_lock(text: str) -> tuple[dict[str, set[Version]], set[str]]:
    """(name -> pinned versions (one per marker branch), names pyproject asks for directly)."""
    pins: dict[str, set[Version]] = {}
    direct: set[str] = set()
    current = ""
    for line in text.splitlines():
        if match := PIN.match(line):
            current = canonicalize_name(match.group(1))
            pins.setdefault(current, set()).add(Version(match.group(2)))
        elif line.strip().lstrip("#").strip().removeprefix("via ") == DIRECT and current:
            direct.add(current)
    return pins, direct


def requirements(extras: tuple[str, ...]) -> list[Requirement]:
    listed = [*PYPROJECT["dependencies"], *(r for extra in extras for r in PYPROJECT["optional-dependencies"][extra])]
    return [Requirement(r) for r in listed]


@pytest.mark.parametrize("lock", list(LOCKS))
def test_the_lock_holds_exactly_pyprojects_requirements_at_allowed_versions(lock: str) -> None:
    text = (ROOT / lock).read_text()
    pins, direct = parse_lock(text)
    wanted = requirements(LOCKS[lock])
    names = {canonicalize_name(r.name) for r in wanted}
    assert names - direct == set(), f"{lock} lacks {sorted(names - direct)} of pyproject.toml: {REGENERATE}"
    assert direct - names == set(), (
        f"{lock} still locks {sorted(direct - names)}, gone from pyproject.toml: {REGENERATE}"
    )
    refused = [
        f"{r.name}=={v} (pyproject: {r.specifier})"
        for r in wanted
        for v in pins[canonicalize_name(r.name)]
        if not r.specifier.contains(v, prereleases=True)
    ]
    assert not refused, f"{lock} pins versions pyproject.toml rules out: {refused}; {REGENERATE}"
    assert "--hash=sha256:" in text and "scripts/lock.sh" in text


def test_the_two_locks_pin_the_same_versions() -> None:
    runtime, _ = parse_lock((ROOT / "requirements.lock").read_text())
    dev, _ = parse_lock((ROOT / "requirements-dev.lock").read_text())
    differ = {name: (runtime[name], dev.get(name)) for name in runtime if runtime[name] != dev.get(name)}
    assert not differ, f"requirements.lock and requirements-dev.lock disagree on {differ}: {REGENERATE}"


def test_the_lock_reader_finds_the_pins_and_pyprojects_own_requirements() -> None:
    lock = "fastapi==0.1 \\\n    --hash=sha256:00\n    # via attestgraph (pyproject.toml)\n"
    lock += "anyio==4.0 \\\n    # via fastapi\n"
    pins, direct = parse_lock(lock)
    assert direct == {"fastapi"} and pins == {"fastapi": {Version("0.1")}, "anyio": {Version("4.0")}}
    multi = "x==1 ; python_version < '3.12'\n    # via\n    #   attestgraph (pyproject.toml)\n    #   y\n"
    assert parse_lock(multi) == ({"x": {Version("1")}}, {"x"})
