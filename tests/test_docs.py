"""The documents the README points to stay true to the code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.bundle import bundle_json_schema
from service.app import create_app
from service.cli import app
from service.graphql.sdl import print_sdl
from service.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_committed_bundle_schema_is_the_generated_one() -> None:
    committed = json.loads((ROOT / "docs" / "bundle.schema.json").read_text())
    assert committed == bundle_json_schema(), "regenerate with: scripts/generate.sh"


def test_readme_names_the_two_commands_and_ci_runs_the_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "scripts/run.sh" in readme and "scripts/test.sh" in readme
    assert "scripts/test.sh" in (ROOT / ".ci" / "run").read_text()


def test_schema_command_prints_the_bundle_schema_and_with_graphql_the_sdl() -> None:
    runner = CliRunner()
    bundle = runner.invoke(app, ["schema"])
    sdl = runner.invoke(app, ["schema", "--graphql"])
    assert bundle.exit_code == 0 and json.loads(bundle.stdout) == bundle_json_schema()
    assert sdl.exit_code == 0 and sdl.stdout == print_sdl()
    assert "type Query {" in sdl.stdout and "type Asset {" in sdl.stdout


def test_committed_graphql_sdl_is_the_printed_one() -> None:
    committed = (ROOT / "docs" / "schema.graphql").read_text()
    assert committed == print_sdl(), "regenerate with: scripts/generate.sh"


def test_committed_openapi_document_is_the_apps() -> None:
    committed = json.loads((ROOT / "docs" / "openapi.json").read_text())
    assert committed == create_app(Settings()).openapi(), "regenerate with: scripts/generate.sh"
    assert {"/graphql", "/healthz", "/readyz"} <= set(committed["paths"])


def test_schema_command_prints_the_openapi_document_and_one_document_at_a_time() -> None:
    runner = CliRunner()
    printed = runner.invoke(app, ["schema", "--openapi"])
    assert printed.exit_code == 0 and json.loads(printed.stdout) == create_app(Settings()).openapi()
    both = runner.invoke(app, ["schema", "--openapi", "--graphql"])
    assert both.exit_code != 0 and "--openapi" in both.output


MARKDOWN_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize(
    "page", ["README.md", "CONTRIBUTING.md", "docs/design.md", "bench/README.md", "docs/deploy.md", "CHANGELOG.md"]
)
def test_relative_links_point_at_files_inside_the_repository(page: str) -> None:
    path = ROOT / page
    targets = [t for t in MARKDOWN_LINK.findall(path.read_text()) if "://" not in t and not t.startswith("mailto:")]
    outside = [t for t in targets if not (path.parent / t).resolve().is_relative_to(ROOT)]
    missing = [t for t in targets if not (path.parent / t).resolve().exists()]
    assert not outside, f"{page} links outside the repository: {outside}"
    assert not missing, f"{page} links to files that do not exist: {missing}"
