"""`import --oscal DIR`: a folder (what `export --oscal` writes) in one write, catalogs before
mappings; a mapping collection whose frameworks are missing fails with one line naming them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.bundle import Bundle
from graph.errors import InvalidInputError
from graph.oscal import export_oscal, import_oscal, read_oscal_folder
from graph.seeds import SEEDS_DIR, load_seed_bundle
from graph.store import GraphStore
from graph.stores.embedded import EmbeddedStore
from service.cli import app
from tests.oscal.test_oscal_params_and_assessable import T

runner = CliRunner()


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped frameworks and crosswalks exported as an OSCAL folder."""
    seeds = load_seed_bundle(SEEDS_DIR)
    source = EmbeddedStore()
    source.write(Bundle(frameworks=seeds.frameworks, criteria=seeds.criteria, mappings=seeds.mappings))
    folder = tmp_path_factory.mktemp("oscal")
    export_oscal(source, folder, now=T)
    return folder


def catalog_part(bundle: Bundle) -> tuple[object, ...]:
    return (
        sorted(bundle.frameworks, key=lambda f: f.id),
        sorted(bundle.criteria, key=lambda c: c.id),
        sorted(bundle.mappings, key=lambda m: (m.source, m.target)),
    )


def test_a_folder_imports_whole_into_each_store(store: GraphStore, exported: Path) -> None:
    summary = import_oscal(store, exported)
    seeds = load_seed_bundle(SEEDS_DIR)
    assert catalog_part(store.export()) == catalog_part(
        Bundle(frameworks=seeds.frameworks, criteria=seeds.criteria, mappings=seeds.mappings)
    )
    assert (summary.kind, len(summary.frameworks), summary.mappings) == ("folder", 6, len(seeds.mappings))


def test_catalogs_are_read_before_mappings_whatever_the_file_names(tmp_path: Path, exported: Path) -> None:
    for path in exported.iterdir():
        # Mapping files named to sort first: the order comes from what a file is, not its name.
        name = f"0-{path.name}" if path.name.endswith(".mapping.json") else path.name
        shutil.copy(path, tmp_path / name)
    assert sorted(p.name for p in tmp_path.iterdir())[0].startswith("0-")
    imported = read_oscal_folder(tmp_path)
    assert imported.bundle.mappings and imported.bundle.frameworks
    store = EmbeddedStore()
    import_oscal(store, tmp_path)
    assert len(store.export().mappings) == len(imported.bundle.mappings)


def test_a_folder_with_one_bad_file_writes_nothing(store: GraphStore, tmp_path: Path, exported: Path) -> None:
    for path in exported.iterdir():
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "broken.json").write_text('{"catalog": {"uuid": "x"}}')
    with pytest.raises(InvalidInputError) as raised:
        import_oscal(store, tmp_path)
    assert all(p.field.startswith(str(tmp_path / "broken.json")) for p in raised.value.problems)
    assert store.export().is_empty()


def test_a_mapping_whose_frameworks_are_missing_fails_with_one_problem(store: GraphStore, exported: Path) -> None:
    mapping = next(exported.glob("iso-iec-27001-2022--soc2-tsc-2017.mapping.json"))
    with pytest.raises(InvalidInputError) as raised:
        import_oscal(store, mapping)
    (problem,) = raised.value.problems
    assert "'iso-iec-27001-2022', 'soc2-tsc-2017'" in problem.reason and "do not exist" in problem.reason
    assert problem.field.startswith(f"{mapping}: mapping-collection.mappings[0].")
    assert store.export().is_empty()


def test_a_mapping_with_one_framework_missing_names_only_that_one(store: GraphStore, exported: Path) -> None:
    import_oscal(store, exported / "soc2-tsc-2017.catalog.json")
    with pytest.raises(InvalidInputError) as raised:
        import_oscal(store, exported / "iso-iec-27001-2022--soc2-tsc-2017.mapping.json")
    (problem,) = raised.value.problems
    assert "framework 'iso-iec-27001-2022', which does not exist" in problem.reason
    assert store.export().mappings == []


def test_cli_imports_a_folder_and_says_what(tmp_path: Path, exported: Path) -> None:
    data = tmp_path / "data"
    result = runner.invoke(app, ["import", "--oscal", str(exported), "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert "imported 6 frameworks (" in result.output and "soc2-tsc-2017" in result.output
    store = EmbeddedStore(data / "attestgraph.sqlite3")
    assert [(e.operation, e.outcome) for e in store.access.audit_entries(first=10)] == [("cli:import --oscal", "ok")]


def test_cli_missing_frameworks_is_one_line(tmp_path: Path, exported: Path) -> None:
    data = tmp_path / "data"
    mapping = exported / "iso-iec-27001-2022--soc2-tsc-2017.mapping.json"
    result = runner.invoke(app, ["import", "--oscal", str(mapping), "--data-dir", str(data)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"error: {mapping}: ") and "'iso-iec-27001-2022', 'soc2-tsc-2017'" in lines[0]


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--framework-id", "x"], "applies to one catalog file, not a folder"),
        ([], "holds no OSCAL file"),
    ],
)
def test_cli_refuses_a_framework_id_for_a_folder_and_an_empty_folder(
    tmp_path: Path, exported: Path, args: list[str], reason: str
) -> None:
    folder = tmp_path / "empty" if not args else exported
    folder.mkdir(exist_ok=True)
    result = runner.invoke(app, ["import", "--oscal", str(folder), *args, "--data-dir", str(tmp_path / "d")])
    assert result.exit_code == 2 and reason in result.output, result.output


def test_exported_file_names_stay_what_the_tests_read(exported: Path) -> None:
    names = sorted(p.name for p in exported.iterdir())
    assert "soc2-tsc-2017.catalog.json" in names and "iso-iec-27001-2022--soc2-tsc-2017.mapping.json" in names
    assert json.loads((exported / "soc2-tsc-2017.catalog.json").read_text())["catalog"]["metadata"]["title"]
