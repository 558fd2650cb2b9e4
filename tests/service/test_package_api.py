"""The auditor's package over HTTP and from the CLI: the route streams a valid ZIP of exactly the
files the CLI writes, for auditors and admins only; the coverage matrix agrees with
`engagement(id)`; the CLI refuses a folder that is not empty."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.access.keys import Role
from graph.store import GraphStore
from graph.stores.embedded import EmbeddedStore
from service.cli import app
from tests.reports.package_graph import read_csv, verified_manifest, write_package_graph
from tests.service.conftest import LiveServer, serving
from tests.service.test_graphql_engagements import DEMO_ENGAGEMENT, ENGAGEMENT, write_demo

runner = CliRunner()
PACKAGE = "/api/engagements/{}/package"


def download(live: LiveServer, engagement: str) -> zipfile.ZipFile:
    response = live.client.get(live.url + PACKAGE.format(engagement))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None
    return archive


def test_coverage_matrix_agrees_with_the_engagement_through_the_api(store: GraphStore, live: LiveServer) -> None:
    write_demo(store)
    found = live.data(ENGAGEMENT, {"id": DEMO_ENGAGEMENT})["engagement"]
    archive = download(live.as_role(Role.AUDITOR), DEMO_ENGAGEMENT)
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["engagement"] == DEMO_ENGAGEMENT
    for entry in manifest["files"]:
        assert hashlib.sha256(archive.read(entry["name"])).hexdigest() == entry["sha256"]

    matrix = read_csv_bytes(archive.read("coverage-matrix.csv"))
    criteria = list(
        dict.fromkeys((r["criterion_id"], r["criterion_status"], r["criterion_carved_out"]) for r in matrix)
    )
    expected = [
        (c["criterionId"], c["status"], "yes" if c["carvedOut"] else "no") for c in found["coverage"]["criteria"]
    ]
    assert criteria == expected

    # Every in-scope control with gaps over the period has them in gaps.csv, interval by interval.
    gaps = read_csv_bytes(archive.read("gaps.csv"))
    counted: dict[str, int] = {}
    for r in gaps:
        counted[r["control_id"]] = counted.get(r["control_id"], 0) + (r["operated"] == "no")
    with_gaps = {e["node"]["controlId"]: e["node"]["gaps"] for e in found["gaps"]["controls"]["edges"]}
    assert {k: v for k, v in counted.items() if v} == with_gaps
    # Planned, not-applicable and carved-out controls have no intervals (DESIGN.md "Period gaps").
    assert {r["control_id"] for r in matrix if r["control_status"] == "implemented"} == set(counted)


def read_csv_bytes(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


@pytest.fixture
def on_disk(tmp_path: Path) -> Iterator[tuple[LiveServer, Path]]:
    """A served embedded store in a data dir the CLI can open too."""
    data = tmp_path / "data"
    store = EmbeddedStore(data / "attestgraph.sqlite3")
    write_package_graph(store)
    with serving(store) as live:
        yield live, data
    store.close()


def test_the_zip_entries_are_byte_identical_to_what_the_cli_writes(
    on_disk: tuple[LiveServer, Path], tmp_path: Path
) -> None:
    live, data = on_disk
    archive = download(live, "audit")
    generated_at = json.loads(archive.read("manifest.json"))["generated_at"]
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["report", "audit", "--out", str(out), "--data-dir", str(data), "--generated-at", generated_at[:-1]]
    )
    assert result.exit_code == 0, result.output
    verified_manifest(out)
    assert archive.namelist() == [p.name for p in sorted(out.iterdir(), key=lambda p: archive.namelist().index(p.name))]
    for name in archive.namelist():
        assert archive.read(name) == (out / name).read_bytes(), name


def test_only_auditors_and_admins_download_packages(on_disk: tuple[LiveServer, Path]) -> None:
    live, _ = on_disk
    for role in Role:
        status = live.as_role(role).client.get(live.url + PACKAGE.format("audit")).status_code
        assert status == (200 if role in (Role.AUDITOR, Role.ADMIN) else 403), role


def test_an_unknown_engagement_is_a_404_naming_the_field(on_disk: tuple[LiveServer, Path]) -> None:
    live, _ = on_disk
    response = live.as_role(Role.AUDITOR).client.get(live.url + PACKAGE.format("nope"))
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "NOT_FOUND" and "nope" in body["message"] and "engagement_id" in body["message"]


def test_the_cli_refuses_a_folder_that_is_not_empty(on_disk: tuple[LiveServer, Path], tmp_path: Path) -> None:
    _, data = on_disk
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    result = runner.invoke(app, ["report", "audit", "--out", str(out), "--data-dir", str(data)])
    assert result.exit_code == 2
    assert "--out" in result.output and "not empty" in result.output
    assert [p.name for p in out.iterdir()] == ["notes.txt"]  # nothing written

    result = runner.invoke(app, ["report", "audit", "--out", str(out), "--data-dir", str(data), "--force"])
    assert result.exit_code == 0, result.output
    assert (out / "notes.txt").read_text() == "mine"
    assert read_csv(out / "coverage-matrix.csv")

    result = runner.invoke(app, ["report", "nope", "--out", str(tmp_path / "new"), "--data-dir", str(data)])
    assert result.exit_code != 0 and "ENGAGEMENT" in result.output and "nope" in result.output
    assert not (tmp_path / "new").exists()
