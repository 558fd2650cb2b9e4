"""The documents the README points to stay true to the code."""

from __future__ import annotations

import json
from pathlib import Path

from graph.bundle import bundle_json_schema
from service.graphql.sdl import print_sdl

ROOT = Path(__file__).resolve().parent.parent


def test_committed_bundle_schema_is_the_generated_one() -> None:
    committed = json.loads((ROOT / "docs" / "bundle.schema.json").read_text())
    assert committed == bundle_json_schema(), "regenerate with: scripts/generate.sh"


def test_readme_names_the_two_commands_and_ci_runs_the_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "scripts/run.sh" in readme and "scripts/test.sh" in readme
    assert "scripts/test.sh" in (ROOT / ".ci" / "run").read_text()


def test_committed_graphql_sdl_is_the_printed_one() -> None:
    committed = (ROOT / "docs" / "schema.graphql").read_text()
    assert committed == print_sdl(), "regenerate with: scripts/generate.sh"
