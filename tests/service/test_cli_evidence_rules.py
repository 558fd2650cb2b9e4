"""Bundle loads record only what the API would (issue 11, item 5): evidence without `sha256` is
refused by `load`, `load --each-file`, `import` and `validate`, and evidence collected in the
future by every load, naming the file, the line and the field; the store is left unchanged."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.model import now_utc
from graph.stores.embedded import EmbeddedStore
from service.cli import app

runner = CliRunner()

SHA = "ab" * 32
CONTROL = "controls:\n  - {id: k, title: K, frequency: monthly}\n"


def evidence_file(tmp_path: Path, collected_at: str, sha256: str | None = SHA) -> Path:
    digest = f", sha256: {sha256}" if sha256 else ""
    bundle = tmp_path / "bundle.yaml"
    bundle.write_text(
        CONTROL + f"evidence:\n  - {{id: e, title: E, control: k, collected_at: '{collected_at}'{digest}}}\n"
    )
    return bundle


def assert_unchanged(data: Path) -> None:
    """Nothing of the refused load is there: no node and no audit entry."""
    store = EmbeddedStore(data / "attestgraph.sqlite3", read_only=True)
    try:
        assert store.export().is_empty()
        assert store.access.audit_count() == 0
    finally:
        store.close()


LOADS = {
    "load": ["load"],
    "load --each-file": ["load", "--each-file"],
    "import": ["import"],
}


@pytest.mark.parametrize("command", sorted(LOADS))
def test_a_load_of_evidence_without_sha256_is_refused_naming_the_field(tmp_path: Path, command: str) -> None:
    bundle = evidence_file(tmp_path, "2026-06-01T00:00:00Z", sha256=None)
    result = runner.invoke(app, [*LOADS[command], str(bundle), "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 2, result.output
    assert f"{bundle}" in result.output and "evidence[0].sha256" in result.output and "required" in result.output
    assert_unchanged(tmp_path / "data")


def test_validate_reports_evidence_without_sha256_as_load_would(tmp_path: Path) -> None:
    bundle = evidence_file(tmp_path, "2026-06-01T00:00:00Z", sha256=None)
    result = runner.invoke(app, ["validate", str(bundle)])
    assert result.exit_code == 2 and f"{bundle}:4: evidence[0].sha256" in result.output


def test_evidence_with_its_sha256_loads(tmp_path: Path) -> None:
    bundle = evidence_file(tmp_path, "2026-06-01T00:00:00Z")
    result = runner.invoke(app, ["load", str(bundle), "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 0, result.output


# The future-date rule is the stores' own (graph/checks/write_rules.py), checked on every write; loads
# go through it with nothing of their own.
@pytest.mark.parametrize("command", sorted(LOADS))
def test_a_load_of_evidence_collected_tomorrow_is_refused_naming_the_field(tmp_path: Path, command: str) -> None:
    tomorrow = (now_utc() + timedelta(days=1)).isoformat()
    bundle = evidence_file(tmp_path, tomorrow)
    result = runner.invoke(app, [*LOADS[command], str(bundle), "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 2, result.output
    assert "evidence[0].collected_at" in result.output and "future" in result.output
    assert_unchanged(tmp_path / "data")
