"""The CLI: validate, load, export; bad files are refused with file, place and reason, loading nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.seeds import SEEDS_DIR
from graph.stores.embedded import EmbeddedStore
from service.cli import app

runner = CliRunner()

GOOD = """\
frameworks:
  - {id: fw, name: Framework}
criteria:
  - {id: "fw:C1", ref: C1, title: First, framework: fw}
controls:
  - {id: k, title: Control, frequency: monthly}
satisfies:
  - {source: k, target: "fw:C1"}
"""

BAD_FILES = {
    "dangling reference": (
        GOOD + "applies_to:\n  - {source: k, target: ghost}\n",
        "applies_to[0].target",
        "Asset 'ghost' does not exist",
    ),
    "wrong criterion id": (GOOD.replace('target: "fw:C1"', 'target: "fw:C9"'), "satisfies[0].target", "fw:C9"),
    "bad date": (
        GOOD + "evidence:\n  - {id: e, title: E, control: k, collected_at: 'last tuesday'}\n",
        "evidence[0].collected_at",
        "datetime",
    ),
    "duplicate id": (
        GOOD + "assets:\n  - {id: a, kind: model, name: A}\n  - {id: a, kind: model, name: B}\n",
        "assets[1].id",
        "duplicate id 'a'",
    ),
    "unknown field": (GOOD + "vendors:\n  - {id: v, name: V, colour: red}\n", "vendors[0].colour", "Extra inputs"),
    "not yaml": ("frameworks: [unclosed\n", ":2", "invalid YAML"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_validate_and_load_refuse_a_bad_file_naming_the_place(tmp_path: Path, case: str) -> None:
    text, place, reason = BAD_FILES[case]
    bundle = tmp_path / "bundle.yaml"
    bundle.write_text(text)
    for command in (["validate", str(bundle)], ["load", str(bundle), "--data-dir", str(tmp_path / "data")]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2, result.output
        assert place in result.output and reason in result.output
        assert str(bundle) in result.output
    store = EmbeddedStore(tmp_path / "data" / "attestgraph.sqlite3")
    assert store.export().is_empty()  # the failed load wrote nothing
    store.close()


def test_yaml_errors_name_the_line(tmp_path: Path) -> None:
    bundle = tmp_path / "b.yaml"
    bundle.write_text(GOOD + "assets:\n  - {id: a, kind: model, name: A}\n  - {id: b, kind: spaceship, name: B}\n")
    result = runner.invoke(app, ["validate", str(bundle)])
    assert result.exit_code == 2
    assert f"{bundle}:11: assets[1].kind" in result.output


def test_export_then_load_reproduces_the_graph_exactly(tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    assert runner.invoke(app, ["load", str(SEEDS_DIR), "--data-dir", str(first)]).exit_code == 0
    for suffix in ("json", "yaml"):
        exported = tmp_path / f"export.{suffix}"
        assert runner.invoke(app, ["export", str(exported), "--data-dir", str(first)]).exit_code == 0
        target = second / suffix
        result = runner.invoke(app, ["load", str(exported), "--data-dir", str(target)])
        assert result.exit_code == 0, result.output
        again = tmp_path / f"again.{suffix}"
        assert runner.invoke(app, ["export", str(again), "--data-dir", str(target)]).exit_code == 0
        assert again.read_text() == exported.read_text()


def test_a_failed_load_leaves_a_loaded_store_as_it_was(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(GOOD)
    assert runner.invoke(app, ["load", str(good), "--data-dir", str(tmp_path)]).exit_code == 0
    before = tmp_path / "before.json"
    runner.invoke(app, ["export", str(before), "--data-dir", str(tmp_path)])
    bad = tmp_path / "bad.yaml"
    bad.write_text("assets:\n  - {id: a, kind: model, name: A}\napplies_to:\n  - {source: k, target: nowhere}\n")
    assert runner.invoke(app, ["load", str(bad), "--data-dir", str(tmp_path)]).exit_code == 2
    after = tmp_path / "after.json"
    runner.invoke(app, ["export", str(after), "--data-dir", str(tmp_path)])
    assert json.loads(after.read_text()) == json.loads(before.read_text())


def test_schema_prints_the_bundle_json_schema() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert {"frameworks", "criteria", "controls", "evidence", "mappings"} <= set(schema["properties"])


def test_a_problem_found_after_merging_names_its_own_file_line_and_index(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        GOOD + "assets:\n  - {id: m, kind: model, name: M}\napplies_to:\n  - {source: k, target: m}\n"
    )
    (tmp_path / "b.yaml").write_text("applies_to:\n  - {source: k, target: m}\n  - {source: k, target: ghost}\n")
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 2
    assert f"{tmp_path / 'b.yaml'}:3: applies_to[1].target: Asset 'ghost' does not exist" in result.output


def deep(levels: int) -> str:
    """A value nested `levels` deep, as JSON and as YAML flow style alike."""
    return "[" * levels + "]" * levels


DEEP_FILES = {
    "deep.json": lambda n: '{"frameworks": ' + deep(n) + "}",
    "deep-top.json": deep,
    "deep.yaml": lambda n: "frameworks: " + deep(n) + "\n",
    # Block style: each level indented one step more (so the file grows with the square of n).
    "deep-block.yaml": lambda n: "".join(f"{'  ' * i}-\n" for i in range(n)),
}


@pytest.mark.parametrize(
    ("name", "levels"),
    [(name, 1_500) for name in sorted(DEEP_FILES)] + [("deep.json", 100_000), ("deep.yaml", 100_000)],
)
def test_validate_and_load_refuse_a_deeply_nested_file_without_a_traceback(
    tmp_path: Path, name: str, levels: int
) -> None:
    bundle = tmp_path / name
    bundle.write_text(DEEP_FILES[name](levels))
    data = tmp_path / "data"
    for command in (["validate", str(bundle)], ["load", str(bundle), "--data-dir", str(data)]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2, result.output
        assert f"{bundle}: nested too deeply" in result.output
        assert "Traceback" not in result.output and "RecursionError" not in result.output
        assert not isinstance(result.exception, RecursionError)
