"""The auditor's package on both stores: files sealed by the manifest, the coverage matrix's rows,
cells neutralised against formulas, the Type II gaps and crosswalk tables, and the OSCAL
assessment results validated with compliance-trestle."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from trestle.oscal.assessment_results import AssessmentResults

from graph.access.audit import AuditDraft, digest
from graph.errors import NotFoundError
from graph.reports.package import package_source, write_folder, zip_stream
from graph.store import GraphStore
from tests.graphs import day
from tests.reports.package_graph import TITLES, read_csv, verified_manifest, write_package_graph

GENERATED = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


def written(store: GraphStore, tmp_path: Path, kind: str = "type2") -> Path:
    write_package_graph(store, kind)
    out = tmp_path / "package"
    write_folder(package_source(store, "audit", GENERATED), out)
    return out


def test_every_file_is_sealed_by_the_manifest_with_the_audit_log_head(store: GraphStore, tmp_path: Path) -> None:
    write_package_graph(store)
    head = store.access.append_audit(AuditDraft(actor="test", role="admin", operation="x", input_digest=digest({})))
    out = tmp_path / "package"
    names = write_folder(package_source(store, "audit", GENERATED), out)
    assert names == [
        "coverage-matrix.csv",
        "gaps.csv",
        "crosswalk.csv",
        "populations.csv",
        "samples.csv",
        "exceptions.csv",
        "remediation.csv",
        "assessment-results.json",
        "manifest.json",
    ]  # no poam.json: no open exception (tests/reports/test_package_audit.py)
    manifest = verified_manifest(out)
    assert manifest["engagement"] == "audit"
    assert manifest["generated_at"] == "2026-09-01T12:00:00Z"
    assert manifest["reference_instant"] == "2026-08-02T00:00:00Z"  # the period's end, before now
    assert manifest["audit_log_head"] == {"seq": head.seq, "hash": head.hash}

    # One changed byte no longer matches its hash.
    (out / "gaps.csv").write_bytes((out / "gaps.csv").read_bytes() + b" ")
    with pytest.raises(AssertionError):
        verified_manifest(out)


def test_the_zip_holds_the_same_bytes_as_the_folder(store: GraphStore, tmp_path: Path) -> None:
    out = written(store, tmp_path)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(zip_stream(package_source(store, "audit", GENERATED)))))
    assert archive.testzip() is None
    assert archive.namelist() == [*(f["name"] for f in verified_manifest(out)["files"]), "manifest.json"]
    for name in archive.namelist():
        assert archive.read(name) == (out / name).read_bytes(), name


def test_coverage_matrix_rows_per_criterion_control_and_evidence_in_scope(store: GraphStore, tmp_path: Path) -> None:
    rows = read_csv(written(store, tmp_path) / "coverage-matrix.csv")
    triples = [(r["criterion_id"], r["control_id"], r["evidence_id"]) for r in rows]
    # C1: k1's evidence of the period in its collection order (not e-elsewhere, covering only an
    # asset outside the boundary; not e-later, collected after the period; not e-ancient, expired
    # before it began; e-lead, still valid at its start, is in); k-out is out of scope.
    # C2: k2 with no evidence keeps its row; so does C4 with no control in scope. C3 (crosswalk)
    # lists k1 again, behind it through O1.
    assert [t for t in triples if t[0] == "fw:C1"] == [
        ("fw:C1", "k1", e)
        for e in ["e-lead", "e-formula", "e-plus", "e-minus", "e-old", "e-minus-sum", "e-new", "e-at", "e-tab"]
    ]
    assert [t for t in triples if t[0] == "fw:C2"] == [("fw:C2", "k2", "")]
    assert [t for t in triples if t[0] == "fw:C3"] == [("fw:C3", *t[1:]) for t in triples if t[0] == "fw:C1"]
    c2 = next(r for r in rows if r["criterion_id"] == "fw:C2")
    assert c2["criterion_status"] == "PARTIAL" and c2["control_status"] == "implemented"
    assert [t for t in triples if t[0] == "fw:C4"] == [("fw:C4", "", "")]  # no control in scope, still a row
    assert all(c2[k] == "" for k in c2 if k.startswith("evidence_"))
    formula = next(r for r in rows if r["evidence_id"] == "e-formula")
    assert formula["evidence_collected_at"] == "2026-06-01T00:00:00Z"
    assert formula["evidence_uri"] == "https://evidence.test/e-formula"
    assert len(formula["evidence_sha256"]) == 64
    assert formula["control_frequency"] == "monthly" and formula["criterion_carved_out"] == "no"
    superseded = {r["evidence_id"]: r["evidence_superseded_by"] for r in rows if r["criterion_id"] == "fw:C1"}
    assert superseded["e-old"] == "e-new" and superseded["e-new"] == ""


def test_cells_that_would_start_a_formula_are_neutralised(store: GraphStore, tmp_path: Path) -> None:
    rows = read_csv(written(store, tmp_path) / "coverage-matrix.csv")
    titles = {r["evidence_id"]: r["evidence_title"] for r in rows if r["criterion_id"] == "fw:C1"}
    assert titles["e-formula"] == "'" + TITLES["e-formula"]
    assert titles["e-plus"] == "'+1"
    assert titles["e-at"] == "'@x"
    assert titles["e-tab"] == "'\tinvisible"
    assert titles["e-minus-sum"] == "'-2+3"
    # A plain negative number is a number to a spreadsheet, not a formula: shown as typed, the
    # same rule as the dashboard's CSV (frontend/src/shape/csv.ts).
    assert titles["e-minus"] == "-2"


def test_gaps_table_lists_every_interval_of_the_in_scope_controls(store: GraphStore, tmp_path: Path) -> None:
    rows = read_csv(written(store, tmp_path) / "gaps.csv")
    k1 = [(r["interval_start"], r["interval_end"], r["operated"]) for r in rows if r["control_id"] == "k1"]
    assert k1 == [
        ("2026-06-01T00:00:00Z", "2026-07-02T00:00:00Z", "yes"),
        ("2026-07-02T00:00:00Z", "2026-08-02T00:00:00Z", "no"),
    ]
    assert [r["operated"] for r in rows if r["control_id"] == "k2"] == ["no", "no"]
    assert {r["control_id"] for r in rows} == {"k1", "k2"}  # k-out is outside the boundary
    assert {r["control_frequency"] for r in rows} == {"monthly"}


def test_crosswalk_table_lists_the_mappings_weighed(store: GraphStore, tmp_path: Path) -> None:
    rows = read_csv(written(store, tmp_path) / "crosswalk.csv")
    assert [(r["criterion_id"], r["neighbour_id"], r["relationship"]) for r in rows] == [("fw:C3", "other:O1", "equal")]
    assert rows[0]["neighbour_status"] == rows[0]["candidate_status"]


def test_a_type1_package_has_no_gaps_file(store: GraphStore, tmp_path: Path) -> None:
    out = written(store, tmp_path, "type1")
    assert not (out / "gaps.csv").exists()
    assert verified_manifest(out)["reference_instant"] == "2026-06-11T00:00:00Z"
    ids = {r["evidence_id"] for r in read_csv(out / "coverage-matrix.csv")}
    assert {"e-formula", "e-ancient", "e-lead"} <= ids and "e-later" not in ids  # all collected by as_of


def test_assessment_results_are_valid_oscal(store: GraphStore, tmp_path: Path) -> None:
    out = written(store, tmp_path)
    document = json.loads((out / "assessment-results.json").read_text(encoding="utf-8"))
    results = AssessmentResults.model_validate(document["assessment-results"])
    assert str(results.import_ap.href) == "urn:attestgraph:engagement:audit"
    (result,) = results.results
    assert result.start == day(0) and result.end == day(62)
    findings = {f.target.target_id: f for f in result.findings or []}
    assert set(findings) == {"C1", "C2", "C3", "C4"}
    assert findings["C4"].related_observations is None
    assert findings["C2"].target.status is not None
    assert findings["C2"].target.status.state.value == "not-satisfied"
    observations = {o.uuid: o for o in result.observations or []}
    assert len(observations) == 2  # k1 and k2
    behind_c1 = [observations[r.observation_uuid] for r in findings["C1"].related_observations or []]
    (k1,) = behind_c1
    evidence = k1.relevant_evidence or []
    assert len(evidence) == 9
    formula = next(e for e in evidence if e.href == "https://evidence.test/e-formula")
    props = {p.name: p.value for p in formula.props or []}
    assert props["evidence-id"] == "e-formula" and len(props["sha256"]) == 64
    assert (observations[findings["C2"].related_observations[0].observation_uuid].relevant_evidence) is None  # type: ignore[index]


def test_an_unknown_engagement_is_refused_naming_the_field(store: GraphStore) -> None:
    with pytest.raises(NotFoundError, match="engagement"):
        package_source(store, "nope", GENERATED)
