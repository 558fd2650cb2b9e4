"""The demo's package agrees with the API (real server, both stores): samples.csv with
`engagement.samples`, populations.csv with `engagementPopulation`, exceptions.csv and
remediation.csv with `auditExceptions` at the instant the manifest says they were judged at, and
poam.json (one open exception with its remediation in progress) is valid OSCAL."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from trestle.oscal.poam import PlanOfActionAndMilestones

from graph.access.keys import Role
from graph.store import GraphStore
from tests.service.conftest import LiveServer
from tests.service.test_graphql_engagements import DEMO_ENGAGEMENT, write_demo
from tests.service.test_package_api import download, read_csv_bytes

SAMPLED = "AGC-CHG-02"
SAMPLES = """query($id: ID!) { engagement(id: $id) { samples {
  id control seed size populationSize drawnAt drawnBy redrawOf reason
  items { key intervalStart intervalEnd collectedAt evidence { id uri sha256 } }
} } }"""
POPULATION = """query($g: ID!, $c: ID!) { engagementPopulation(engagement: $g, control: $c, first: 500) {
  edges { node { key collectedAt evidence { id } } } } }"""
EXCEPTIONS = """query($g: ID!, $at: DateTime!) { auditExceptions(engagement: $g, at: $at, first: 100) { edges { node {
  id control evidence severity foundAt description supersedes supersededBy recordedBy recordedAt
  remediations { id owner due plan status closedAt evidence recordedAt }
} } } }"""
OVERDUE = """query($g: ID!, $at: DateTime!) { auditExceptions(engagement: $g, at: $at, overdue: true) {
  edges { node { id } } } }"""


def instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def test_the_demo_package_agrees_with_the_api(store: GraphStore, live: LiveServer) -> None:
    write_demo(store)
    archive = download(live.as_role(Role.AUDITOR), DEMO_ENGAGEMENT)
    manifest = json.loads(archive.read("manifest.json"))
    at = manifest["exceptions_judged_at"]
    assert at == manifest["generated_at"] and manifest["omitted"] == []

    # samples.csv: one row per drawn item of every recorded sample, as Engagement.samples has them.
    samples = live.data(SAMPLES, {"id": DEMO_ENGAGEMENT})["engagement"]["samples"]
    expected: list[tuple[Any, ...]] = [
        (
            *(s["id"], s["control"], s["seed"], int(s["size"]), int(s["populationSize"]), instant(s["drawnAt"])),
            *(s["drawnBy"], s["redrawOf"] or "", s["reason"] or "", i["key"], i["evidence"]["id"]),
            *(instant(i["collectedAt"]), i["evidence"]["uri"], i["evidence"]["sha256"]),
        )
        for s in samples
        for i in s["items"]
    ]
    rows = read_csv_bytes(archive.read("samples.csv"))
    assert [
        (
            *(r["sample_id"], r["control_id"], r["seed"], int(r["size"]), int(r["population_size"])),
            instant(r["drawn_at"]),
            *(r["drawn_by"], r["redraw_of"], r["redraw_reason"], r["unit_key"], r["evidence_id"]),
            *(instant(r["evidence_collected_at"]), r["evidence_uri"], r["evidence_sha256"]),
        )
        for r in rows
    ] == expected
    assert len(rows) == 2 and {r["control_id"] for r in rows} == {SAMPLED}

    # populations.csv: the sampled control's population as the API lists it, the drawn units marked.
    population = live.data(POPULATION, {"g": DEMO_ENGAGEMENT, "c": SAMPLED})["engagementPopulation"]["edges"]
    units = [r for r in read_csv_bytes(archive.read("populations.csv")) if r["control_id"] == SAMPLED]
    assert [(r["unit_key"], r["evidence_id"]) for r in units] == [
        (e["node"]["key"], e["node"]["evidence"]["id"]) for e in population
    ]
    assert [r["unit_key"] for r in units if r["in_sample"] == "yes"] == [i["key"] for i in samples[-1]["items"]]

    # exceptions.csv and remediation.csv: as auditExceptions answers at the judged instant.
    asked = {"g": DEMO_ENGAGEMENT, "at": at}
    listed = [e["node"] for e in live.data(EXCEPTIONS, asked)["auditExceptions"]["edges"]]
    overdue = {e["node"]["id"] for e in live.data(OVERDUE, asked)["auditExceptions"]["edges"]}
    exceptions = read_csv_bytes(archive.read("exceptions.csv"))
    assert [r["exception_id"] for r in exceptions] == [e["id"] for e in listed] == ["exc-demo-agc-chg-02"]
    for row, found in zip(exceptions, listed, strict=True):
        current = found["remediations"][-1] if found["remediations"] else None
        assert (row["control_id"], row["evidence_id"], row["severity"], row["description"]) == (
            found["control"],
            found["evidence"] or "",
            found["severity"].lower(),
            found["description"],
        )
        assert instant(row["found_at"]) == instant(found["foundAt"])
        assert instant(row["recorded_at"]) == instant(found["recordedAt"])
        assert row["superseded_by"] == (found["supersededBy"] or "")
        assert row["overdue"] == ("yes" if found["id"] in overdue else "no")
        assert current is not None and row["remediation_id"] == current["id"]
        assert (row["remediation_owner"], row["remediation_plan"], row["remediation_status"]) == (
            current["owner"],
            current["plan"],
            current["status"].lower(),
        )
        assert instant(row["remediation_due"]) == instant(current["due"])
    assert exceptions[0]["open"] == "yes" and exceptions[0]["remediation_status"] == "open"  # in progress
    history = read_csv_bytes(archive.read("remediation.csv"))
    assert [(r["exception_id"], r["remediation_id"]) for r in history] == [
        (e["id"], r["id"]) for e in listed for r in e["remediations"]
    ]

    # poam.json: the open exception with its remediation as a planned response, due when it is due.
    document = json.loads(archive.read("poam.json"))
    poam = PlanOfActionAndMilestones.model_validate(document["plan-of-action-and-milestones"])
    (item,) = poam.poam_items
    assert {p.name: p.value for p in item.props or []}["exception-id"] == "exc-demo-agc-chg-02"
    (risk,) = poam.risks or []
    assert risk.deadline == instant(listed[0]["remediations"][-1]["due"])

    # The coverage matrix names it on its control's rows.
    matrix = read_csv_bytes(archive.read("coverage-matrix.csv"))
    assert {r["open_exceptions"] for r in matrix if r["control_id"] == SAMPLED} == {"exc-demo-agc-chg-02"}
    assert {r["open_exceptions"] for r in matrix if r["control_id"] != SAMPLED} == {""}
