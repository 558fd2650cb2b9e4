"""`attestgraph load --each-file`: a synthetic org written as numbered JSON files streams into the
store one all-or-nothing write per file, and a bad file stops the load with the files before it
kept."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from typer.testing import CliRunner

from bench.synthetic import REFERENCE, SyntheticOrg, write_documents
from graph import queries
from graph.bundle import parse_bundle
from graph.model import Label
from graph.stores.embedded import EmbeddedStore
from service.cli import app
from tests.graphs import unstamped

runner = CliRunner()


def test_a_folder_of_chunks_loads_file_by_file(tmp_path: Path) -> None:
    folder = tmp_path / "org"
    files = write_documents(SyntheticOrg("XS", seed=5), folder, chunk=2_000)
    assert len(files) > 3
    result = runner.invoke(app, ["load", "--each-file", str(folder), "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 0, result.output
    assert f"from {len(files)} files" in result.output
    loaded = EmbeddedStore(tmp_path / "data" / "attestgraph.sqlite3")
    direct = EmbeddedStore()
    for document in SyntheticOrg("XS", seed=5).documents():
        direct.write(parse_bundle(document))
    # The changes' stamps say when and by whom each write recorded them: the two writes differ there only.
    assert unstamped(loaded.export()) == unstamped(direct.export())
    at = REFERENCE - timedelta(days=3)
    assert queries.coverage(loaded, "soc2-tsc-2017", at) == queries.coverage(direct, "soc2-tsc-2017", at)
    assert loaded.access.audit_count() == len(files)  # one audit entry per write


def test_a_bad_file_stops_the_load_and_keeps_the_files_before_it(tmp_path: Path) -> None:
    folder = tmp_path / "org"
    files = write_documents(SyntheticOrg("XS", seed=5), folder, chunk=2_000)
    broken = json.loads(files[2].read_text())
    first_list = next(iter(broken))
    broken[first_list][0]["id"] = ""
    files[2].write_text(json.dumps(broken))
    result = runner.invoke(app, ["load", "--each-file", str(folder), "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 2, result.output
    assert "loaded 2 of" in result.output and str(files[2]) in result.output
    store = EmbeddedStore(tmp_path / "data" / "attestgraph.sqlite3")
    assert store.count_nodes(Label.FRAMEWORK) == 6
    assert store.access.audit_count() == 2
