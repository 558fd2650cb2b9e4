"""The deployment files say what docs/deploy.md says they do, without a Docker engine.

docker-compose.yml is checked against the Compose Specification's JSON Schema (vendored in
tests/data/, see its README) and for the defaults that matter: production mode, a first admin key
printed on the first start, images pinned by digest. The Dockerfile builds the dashboard on a Node
LTS whose major @types/node and package.json's engines follow, installs the wheel (no editable
install) from the lock, and pins its base images by digest.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_SCHEMA = json.loads((ROOT / "tests" / "data" / "compose-spec.json").read_text())
DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def schema_errors(document: object) -> list[str]:
    validator = jsonschema.Draft7Validator(COMPOSE_SCHEMA)
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in validator.iter_errors(document)]


def test_the_compose_file_follows_the_compose_specification() -> None:
    assert schema_errors(compose()) == []


def test_the_schema_check_refuses_what_compose_would() -> None:
    broken = compose()
    broken["services"]["attestgraph"]["depends_on"] = {"neo4j": {"condition": "when_it_feels_like_it"}}
    broken["services"]["neo4j"]["helthcheck"] = {}
    errors = schema_errors(broken)
    assert any(e.startswith("services/attestgraph/depends_on") for e in errors), errors
    assert any(e.startswith("services/neo4j") and "helthcheck" in e for e in errors), errors


def test_compose_runs_production_and_prints_a_first_admin_key() -> None:
    service = compose()["services"]["attestgraph"]
    assert service["environment"]["ATTESTGRAPH_ENV"] == "${ATTESTGRAPH_ENV:-production}"
    assert "--first-admin-key" in service["command"]
    assert "ATTESTGRAPH_ENV=production" in (ROOT / ".env.example").read_text().splitlines()


def test_compose_pins_its_images_by_digest() -> None:
    images = [s["image"] for s in compose()["services"].values() if "build" not in s]
    assert images and all(DIGEST.search(image) for image in images), images


def dockerfile_images() -> dict[str, str]:
    return dict(re.findall(r"^ARG (\w+_IMAGE)=(\S+)$", (ROOT / "Dockerfile").read_text(), re.MULTILINE))


def test_the_dockerfile_pins_every_base_image_by_digest() -> None:
    text = (ROOT / "Dockerfile").read_text()
    images = dockerfile_images()
    assert set(images) == {"NODE_IMAGE", "PYTHON_IMAGE"}
    assert all(DIGEST.search(image) for image in images.values()), images
    bases = re.findall(r"^FROM (\S+)", text, re.MULTILINE)
    assert bases and all(base.startswith("${") for base in bases), f"a FROM names an image directly: {bases}"


def test_the_dockerfile_installs_the_wheel_from_the_lock() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert "pip wheel" in text and "--require-hashes -r /tmp/requirements.lock" in text
    assert not re.search(r"pip install[^\n]*(-e |--editable)", text), "the image installs the wheel, not a checkout"


@pytest.mark.parametrize("source", ["engines", "@types/node"])
def test_the_dashboard_node_major_is_the_dockerfiles(source: str) -> None:
    match = re.match(r"node:(\d+)-", dockerfile_images()["NODE_IMAGE"])
    assert match is not None
    major = int(match.group(1))
    assert major % 2 == 0, "Node LTS releases are the even majors"
    package = json.loads((ROOT / "frontend" / "package.json").read_text())
    declared = package["engines"]["node"] if source == "engines" else package["devDependencies"]["@types/node"]
    found = re.search(r"\d+", declared)
    assert found is not None and int(found.group()) == major, f"{source} {declared} vs node:{major} in the Dockerfile"
