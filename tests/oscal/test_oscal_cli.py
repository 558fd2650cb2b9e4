"""The CLI's OSCAL commands: `export --oscal DIR`, `import --oscal FILE`, and `import FILE` for bundles."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from graph.model import Label
from graph.seeds import SEEDS_DIR
from graph.stores.embedded import EmbeddedStore
from service.cli import app

runner = CliRunner()
# tests/oscal/this file -> the project root is parents[2]; shared/ sits beside it.
NIST_MODERATE = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "data"
    / "oscal"
    / "NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog-min.json"
)


def stored(data: Path) -> EmbeddedStore:
    return EmbeddedStore(data / "attestgraph.sqlite3")


def test_export_then_import_the_whole_catalog_through_the_cli(tmp_path: Path) -> None:
    source, target, folder = tmp_path / "a", tmp_path / "b", tmp_path / "oscal"
    loaded = runner.invoke(app, ["load", str(SEEDS_DIR), "--data-dir", str(source)])
    assert loaded.exit_code == 0, loaded.output
    exported = runner.invoke(app, ["export", "--oscal", str(folder), "--data-dir", str(source)])
    assert exported.exit_code == 0, exported.output
    assert "wrote 6 OSCAL catalogs and 5 mapping collections" in exported.output
    outputs = []
    for path in [*sorted(folder.glob("*.catalog.json")), *sorted(folder.glob("*.mapping.json"))]:
        result = runner.invoke(app, ["import", "--oscal", str(path), "--data-dir", str(target)])
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    assert sum("imported framework" in o for o in outputs) == 6
    assert "imported framework 'soc2-tsc-2017' with 61 criteria" in "".join(outputs)
    assert sum("crosswalk mappings" in o for o in outputs) == 5
    original, copy = stored(source).export(), stored(target).export()
    assert (copy.frameworks, copy.criteria) == (original.frameworks, original.criteria)
    assert sorted(copy.mappings, key=lambda m: (m.source, m.target)) == original.mappings


def test_import_the_nist_catalog_with_a_framework_id(tmp_path: Path) -> None:
    assert NIST_MODERATE.is_file(), f"missing {NIST_MODERATE}"
    data = tmp_path / "data"
    result = runner.invoke(
        app, ["import", "--oscal", str(NIST_MODERATE), "--framework-id", "sp800-53-moderate", "--data-dir", str(data)]
    )
    assert result.exit_code == 0, result.output
    assert "imported framework 'sp800-53-moderate' with 305 criteria" in result.output
    store = stored(data)
    assert store.count_nodes(Label.CRITERION, {"framework": "sp800-53-moderate"}) == 305
    assert [(e.operation, e.outcome) for e in store.access.audit_entries(first=10)] == [("cli:import --oscal", "ok")]


def test_a_bad_oscal_file_exits_2_naming_the_json_path_and_loads_nothing(tmp_path: Path) -> None:
    path, data = tmp_path / "bad.json", tmp_path / "data"
    document = {
        "catalog": {
            "uuid": "9b1c3c7e-8f0e-4a3e-9d55-6f1f0c7f4a11",
            "metadata": {"title": "T", "version": "1", "oscal-version": "1.2.1"},
            "groups": [{"id": "g", "title": "G", "controls": [{"id": "c1", "title": "ok"}, {"id": "c2"}]}],
        }
    }
    path.write_text(json.dumps(document))
    result = runner.invoke(app, ["import", "--oscal", str(path), "--data-dir", str(data)])
    assert result.exit_code == 2
    assert f"{path}: catalog.groups[0].controls[1].title: Field required" in result.output
    assert stored(data).export().is_empty() and stored(data).access.audit_count() == 0


def test_import_without_oscal_loads_a_bundle_like_load(tmp_path: Path) -> None:
    bundle, data = tmp_path / "b.yaml", tmp_path / "data"
    bundle.write_text(
        "frameworks:\n  - {id: fw, name: F}\ncriteria:\n  - {id: 'fw:1', ref: '1', title: One, framework: fw}\n"
    )
    result = runner.invoke(app, ["import", str(bundle), "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert "loaded 2 nodes and 1 relationships" in result.output
    assert [c.id for c in stored(data).framework_criteria("fw")] == ["fw:1"]
    refused = runner.invoke(app, ["import", str(bundle), "--framework-id", "x", "--data-dir", str(data)])
    assert refused.exit_code == 2 and "--framework-id" in refused.output


def test_export_wants_a_file_or_a_folder_not_both(tmp_path: Path) -> None:
    neither = runner.invoke(app, ["export", "--data-dir", str(tmp_path)])
    both = runner.invoke(
        app, ["export", str(tmp_path / "x.json"), "--oscal", str(tmp_path), "--data-dir", str(tmp_path)]
    )
    for result in (neither, both):
        assert result.exit_code == 2 and "give either a bundle file or --oscal DIR" in result.output
