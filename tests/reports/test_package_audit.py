"""The audit part of the package on both stores: populations and samples (Type II only), exceptions
and their remediation history (judged at generation time), the coverage matrix's open exceptions,
the POA&M of the open exceptions and the assessment results carrying them, all validated with
compliance-trestle, sealed by the manifest and re-verified from disk; user text neutralised."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.poam import PlanOfActionAndMilestones

from graph.bundle import parse_bundle
from graph.queries.engagement import get_engagement
from graph.queries.exceptions import ExceptionFilter, list_exceptions
from graph.queries.population import engagement_population
from graph.queries.sampling import SampleRequest, record_sample
from graph.reports.exception_tables import exceptions_table, remediation_table
from graph.reports.package import package_source, write_folder
from graph.reports.poam import NO_OPEN_EXCEPTION, poam
from graph.reports.sample_tables import populations_table, samples_table
from graph.store import GraphStore
from tests.graphs import day
from tests.reports.package_graph import read_csv, verified_manifest, write_package_graph
from tests.service.counting_store import CountingStore

GENERATED = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)  # day(92): after the period (day 0 to 62)
CMD = "=cmd|' /C calc'!A0"
SUM = "@SUM(1+1)*cmd|' /C calc'!A0"


def write_audit_records(store: GraphStore) -> None:
    """k1 sampled then redrawn (the reason is formula-like text); exc-1 on k1 open with two
    remediation records (the latest due before GENERATED: overdue then); exc-2 on k2 corrected
    by exc-3, which is remediated."""
    record_sample(store, SampleRequest("audit", "k1", "first", "auditor:ann"), now=day(63))
    record_sample(store, SampleRequest("audit", "k1", "second", "auditor:ann", redraw=True, reason=SUM), now=day(64))
    records = {
        "audit_exceptions": [
            {"id": "exc-1", "engagement": "audit", "control": "k1", "evidence": "e-formula", "description": CMD}
            | {"severity": "deficiency", "found_at": day(65)},
            {"id": "exc-2", "engagement": "audit", "control": "k2", "description": "no review"}
            | {"severity": "material_weakness", "found_at": day(66)},
            {"id": "exc-3", "engagement": "audit", "control": "k2", "description": "one review missing"}
            | {"severity": "significant_deficiency", "found_at": day(67), "supersedes": "exc-2"},
        ],
        "remediations": [
            {"id": "rem-1", "exception": "exc-1", "owner": SUM, "due": day(80), "plan": "+plan", "status": "open"},
            {"id": "rem-2", "exception": "exc-1", "owner": "-ops", "due": day(90), "plan": CMD, "status": "open"}
            | {"evidence": ["e-new", "e-at"]},
            {"id": "rem-3", "exception": "exc-3", "owner": "qa", "due": day(70), "plan": "fixed"}
            | {"status": "remediated", "closed_at": day(69)},
        ],
    }
    store.write(parse_bundle(records), immutable_evidence=True)


def audited(store: GraphStore, tmp_path: Path, *, records: bool = True, kind: str = "type2") -> Path:
    write_package_graph(store, kind)
    if records:
        write_audit_records(store)
    out = tmp_path / "package"
    write_folder(package_source(store, "audit", GENERATED), out)
    verified_manifest(out)  # every file re-hashed from disk
    return out


def test_populations_list_every_unit_of_every_in_scope_control_and_the_current_sample(
    store: GraphStore, tmp_path: Path
) -> None:
    rows = read_csv(audited(store, tmp_path) / "populations.csv")
    engagement = get_engagement(store, "audit")
    for control in ("k1", "k2"):
        population = engagement_population(store, engagement, control)
        listed = [r for r in rows if r["control_id"] == control]
        assert [r["unit_key"] for r in listed] == population.keys
        assert [r["evidence_collected_at"] for r in listed] == [
            u.collected_at.isoformat().replace("+00:00", "Z") for u in population.units
        ]
    assert {r["control_id"] for r in rows} == {"k1"}  # k2 has no evidence: an empty population
    samples = read_csv(tmp_path / "package" / "samples.csv")
    current = [r for r in samples if r["current"] == "yes"]
    assert {r["seed"] for r in current} == {"second"}
    chosen = [(r["unit_key"], r["sample_id"]) for r in rows if r["in_sample"] == "yes"]
    assert chosen == [(r["unit_key"], r["sample_id"]) for r in current]
    assert all(r["sample_id"] == "" for r in rows if r["in_sample"] == "no")


def test_samples_list_every_draw_one_row_per_item_with_its_evidence(store: GraphStore, tmp_path: Path) -> None:
    rows = read_csv(audited(store, tmp_path) / "samples.csv")
    by_seed: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_seed.setdefault(r["seed"], []).append(r)
    assert list(by_seed) == ["first", "second"]  # oldest first, the redrawn one kept
    first, second = by_seed["first"], by_seed["second"]
    population = engagement_population(store, get_engagement(store, "audit"), "k1")
    for drawn in (first, second):
        assert len(drawn) == int(drawn[0]["size"]) == 2  # monthly: 2
        assert {r["population_size"] for r in drawn} == {str(len(population.units))}
        assert {r["unit_key"] for r in drawn} <= set(population.keys)
        assert all(r["drawn_by"] == "auditor:ann" for r in drawn)
    assert first[0]["current"] == "no" and first[0]["redraw_of"] == "" and first[0]["redraw_reason"] == ""
    assert second[0]["current"] == "yes" and second[0]["redraw_of"] == first[0]["sample_id"]
    assert second[0]["redraw_reason"] == "'" + SUM  # auditor's text, neutralised
    assert first[0]["drawn_at"] == "2026-08-03T00:00:00Z"
    for r in rows:
        assert r["evidence_id"] == r["unit_key"]  # point items
        assert r["evidence_uri"] in ("", f"https://evidence.test/{r['evidence_id']}")
    formula = [r for r in rows if r["evidence_id"] == "e-formula"]
    assert all(len(r["evidence_sha256"]) == 64 for r in formula)


def test_exceptions_and_remediation_history_judged_at_generation_time(store: GraphStore, tmp_path: Path) -> None:
    out = audited(store, tmp_path)
    rows = read_csv(out / "exceptions.csv")
    listed = list_exceptions(store, ExceptionFilter(engagement="audit"), GENERATED)
    assert [r["exception_id"] for r in rows] == [s.exception.id for s in listed.rows] == ["exc-1", "exc-2", "exc-3"]
    exc1, exc2, exc3 = rows
    # exc-1: open; its latest remediation (rem-2, due day 90) is past at GENERATED (day 92).
    assert (exc1["open"], exc1["overdue"], exc1["judged_at"]) == ("yes", "yes", "2026-09-01T12:00:00Z")
    assert exc1["description"] == "'" + CMD and exc1["remediation_plan"] == "'" + CMD
    assert exc1["remediation_id"] == "rem-2" and exc1["remediation_owner"] == "'-ops"
    assert exc1["remediation_due"] == "2026-08-30T00:00:00Z" and exc1["remediation_evidence"] == "e-new e-at"
    assert exc1["evidence_id"] == "e-formula" and exc1["severity"] == "deficiency"
    assert exc1["recorded_at"].endswith("Z") and exc1["found_at"] == "2026-08-05T00:00:00Z"
    assert (exc2["superseded_by"], exc2["open"], exc2["remediation_id"]) == ("exc-3", "no", "")
    assert (exc3["supersedes"], exc3["open"], exc3["remediation_status"]) == ("exc-2", "no", "remediated")
    assert exc3["remediation_closed_at"] == "2026-08-09T00:00:00Z"
    assert json.loads((out / "manifest.json").read_text())["exceptions_judged_at"] == "2026-09-01T12:00:00Z"

    history = read_csv(out / "remediation.csv")
    assert [(r["exception_id"], r["remediation_id"], r["current"]) for r in history] == [
        ("exc-1", "rem-1", "no"),
        ("exc-1", "rem-2", "yes"),
        ("exc-3", "rem-3", "yes"),
    ]
    assert history[0]["owner"] == "'" + SUM and history[0]["plan"] == "'+plan"
    assert history[2]["closed_at"] == "2026-08-09T00:00:00Z" and history[2]["status"] == "remediated"


def test_coverage_matrix_names_the_open_exceptions_of_each_control(store: GraphStore, tmp_path: Path) -> None:
    rows = read_csv(audited(store, tmp_path) / "coverage-matrix.csv")
    by_control = {(r["control_id"], r["open_exceptions"]) for r in rows}
    assert by_control == {("k1", "exc-1"), ("k2", ""), ("", "")}  # exc-3 on k2 is remediated


def test_poam_holds_the_open_exceptions_and_is_valid_oscal(store: GraphStore, tmp_path: Path) -> None:
    out = audited(store, tmp_path)
    document = json.loads((out / "poam.json").read_text(encoding="utf-8"))
    poam = PlanOfActionAndMilestones.model_validate(document["plan-of-action-and-milestones"])
    (item,) = poam.poam_items  # exc-1 only: exc-2 is superseded, exc-3 remediated
    props = {p.name: p.value for p in item.props or []}
    assert props["exception-id"] == "exc-1" and props["severity"] == "deficiency"
    assert props["control-id"] == "k1" and props["overdue"] == "true" and props["owner"] == "-ops"
    assert item.description == CMD  # OSCAL is not a spreadsheet: the text as recorded
    (risk,) = poam.risks or []
    assert [r.risk_uuid for r in item.related_risks or []] == [risk.uuid]
    assert risk.deadline == day(90)
    (response,) = risk.remediations or []
    assert response.description == CMD
    (milestone,) = response.tasks or []
    assert milestone.timing is not None and milestone.timing.on_date.date == day(90)  # type: ignore[union-attr]
    findings = {f.uuid: f for f in poam.findings or []}
    assert {findings[r.finding_uuid].target.target_id for r in item.related_findings or []} >= {"C1"}
    (observation,) = poam.observations or []
    assert [r.observation_uuid for r in item.related_observations or []] == [observation.uuid]
    (tested,) = observation.relevant_evidence or []
    assert tested.href == "https://evidence.test/e-formula"


def test_assessment_results_carry_the_open_exceptions(store: GraphStore, tmp_path: Path) -> None:
    out = audited(store, tmp_path)
    document = json.loads((out / "assessment-results.json").read_text(encoding="utf-8"))
    (result,) = AssessmentResults.model_validate(document["assessment-results"]).results

    def open_exceptions(props: list | None) -> list[str]:  # type: ignore[type-arg]
        return [p.value for p in props or [] if p.name == "open-exception"]

    findings = {f.target.target_id: open_exceptions(f.props) for f in result.findings or []}
    assert findings["C1"] == ["exc-1"] and findings["C2"] == [] and findings["C4"] == []
    observed = {
        next(p.value for p in o.props or [] if p.name == "control-id"): open_exceptions(o.props)
        for o in result.observations or []
    }
    assert observed == {"k1": ["exc-1"], "k2": []}


def test_no_exception_gives_headed_empty_tables_and_no_poam_the_manifest_says_why(
    store: GraphStore, tmp_path: Path
) -> None:
    out = audited(store, tmp_path, records=False)
    assert (out / "exceptions.csv").read_text(encoding="utf-8").startswith("exception_id,control_id,")
    assert read_csv(out / "exceptions.csv") == [] and read_csv(out / "remediation.csv") == []
    assert read_csv(out / "samples.csv") == []
    assert not (out / "poam.json").exists()  # OSCAL requires at least one poam-item
    manifest = verified_manifest(out)
    assert manifest["omitted"] == [{"name": "poam.json", "reason": NO_OPEN_EXCEPTION}]


def test_a_type1_package_has_no_populations_or_samples(store: GraphStore, tmp_path: Path) -> None:
    out = audited(store, tmp_path, records=False, kind="type1")
    names = {p.name for p in out.iterdir()}
    assert names == {
        "coverage-matrix.csv",
        "crosswalk.csv",
        "exceptions.csv",
        "remediation.csv",
        "assessment-results.json",
        "manifest.json",
    }
    omitted = [f["name"] for f in verified_manifest(out)["omitted"]]
    assert omitted == ["gaps.csv", "populations.csv", "samples.csv", "poam.json"]


def test_the_audit_files_read_the_store_per_control_not_per_unit(store: GraphStore, tmp_path: Path) -> None:
    write_package_graph(store)
    write_audit_records(store)
    for n in range(20):  # more units: the same reads
        store.write(parse_bundle({"evidence": [evidence_of("k1", f"e-more-{n}", day(10 + n))]}))
    counting = CountingStore(store)
    source = package_source(cast(GraphStore, counting), "audit", GENERATED)
    counting.calls.clear()
    b"".join(populations_table(source))
    assert counting.calls["accepted_evidence_items"] == 2  # k1 and k2, the in-scope controls
    assert counting.calls["list_nodes"] == 1  # the samples
    counting.calls.clear()
    assert b"".join(samples_table(source)).count(b"\r\n") == 5  # header, two samples of two items
    assert counting.calls == {"list_nodes": 1, "get_nodes": 2}  # the samples, their controls, their evidence
    counting.calls.clear()
    for table in (exceptions_table, remediation_table, poam):
        b"".join(table(source))
    assert counting.calls["list_nodes"] == 2  # exceptions and remediations, once for every file


def evidence_of(control: str, eid: str, at: datetime) -> dict[str, object]:
    return {"id": eid, "title": eid, "control": control, "collected_at": at, "status": "accepted", "sha256": "0" * 64}
