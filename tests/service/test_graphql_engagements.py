"""Engagements through the API (real server, both stores): the demo's Type II engagement, the
overview (coverage) and the worklist (missingEvidence) agree with one another; writes are gated
and refusals name the fields as the API spells them."""

from __future__ import annotations

from typing import Any

from graph.access.keys import Role
from graph.model import now_utc
from graph.seeds import DEMO_REFERENCE, SEEDS_DIR, load_seed_bundle, rebase_dates
from graph.store import GraphStore
from tests.graphs import GraphBuilder, day
from tests.service.conftest import LiveServer

DEMO_ENGAGEMENT = "soc2-type2-model-serving"
IN_SCOPE = {"Security", "Availability", "Confidentiality"}

ROWS = "totalCount rows(first: 500) { edges { node { controlId assetId vendorId reason since } } }"
ENGAGEMENT = """query($id: ID!) { engagement(id: $id) {
  id kind framework referenceInstant boundary
  coverage { totals { total covered partial uncovered } criteria { criterionId category status carvedOut gapCount } }
  missingEvidence { ROWS }
  gaps { totalGaps controls(withGapsOnly: true) { edges { node { controlId gaps } } } }
} }""".replace("ROWS", ROWS)
OVERVIEW = """query($at: DateTime!) {
  coverage(framework: "soc2-tsc-2017", asOf: $at) {
    totals { total covered partial uncovered }
    criteria(assessableOnly: true) { criterionId category status carvedOut controls { controlId } }
  }
  missingEvidence(framework: "soc2-tsc-2017", asOf: $at) { ROWS }
}""".replace("ROWS", ROWS)
CONTROL_ASSETS = """query($id: ID!) { control(id: $id) { assets(first: 500) { edges { node { id } } } } }"""


def rows(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [tuple(e["node"].values()) for e in report["rows"]["edges"]]


def write_demo(store: GraphStore) -> None:
    store.write(rebase_dates(load_seed_bundle(SEEDS_DIR), DEMO_REFERENCE, now_utc()))


def test_demo_engagement_agrees_with_the_overview_and_the_worklist(store: GraphStore, live: LiveServer) -> None:
    write_demo(store)
    found = live.data(ENGAGEMENT, {"id": DEMO_ENGAGEMENT})["engagement"]
    at = found["referenceInstant"]
    overview = live.data(OVERVIEW, {"at": at})
    boundary = set(found["boundary"])
    assert {"ep-public-chat", "ep-agent-assist", "mdl-nw-assist", "inf-gpu-cluster"} <= boundary
    assert "ep-fraud-score" not in boundary

    # The engagement's criteria are the overview's assessable criteria of its categories.
    in_scope = [r for r in overview["coverage"]["criteria"] if r["category"] in IN_SCOPE]
    assert [r["criterionId"] for r in found["coverage"]["criteria"]] == [r["criterionId"] for r in in_scope]

    # Its rows are exactly the worklist's rows of in-scope controls on boundary assets (or on none).
    behind = {c["controlId"] for r in in_scope for c in r["controls"]}
    scoped_controls = set()
    for control in behind:
        edges = live.data(CONTROL_ASSETS, {"id": control})["control"]["assets"]["edges"]
        assets = {e["node"]["id"] for e in edges}
        if not assets or assets & boundary:
            scoped_controls.add(control)
    worklist = rows(overview["missingEvidence"])
    expected = [r for r in worklist if r[0] in scoped_controls and (r[1] is None or r[1] in boundary)]
    assert rows(found["missingEvidence"]) == expected
    assert 0 < len(expected) <= len(worklist)

    # A handful of honest gaps, and each criterion's count adds up to the gaps of the report.
    gaps = found["gaps"]
    assert 0 < gaps["totalGaps"] < 60
    assert sum(r["gapCount"] for r in found["coverage"]["criteria"]) >= gaps["totalGaps"] > 0


def test_all_categories_and_no_assets_equal_coverage_and_missing_evidence(store: GraphStore, live: LiveServer) -> None:
    write_demo(store)
    at = live.data(ENGAGEMENT, {"id": DEMO_ENGAGEMENT})["engagement"]["referenceInstant"]
    written = live.data(
        """mutation($at: DateTime!) { upsertEngagements(engagements: [
            {id: "whole", name: "Whole org", framework: "soc2-tsc-2017", kind: TYPE1, asOf: $at}]) { id } }""",
        {"at": at},
    )
    assert written == {"upsertEngagements": [{"id": "whole"}]}
    whole = live.data(ENGAGEMENT, {"id": "whole"})["engagement"]
    overview = live.data(OVERVIEW, {"at": at})
    assert whole["gaps"] is None and whole["referenceInstant"] == at
    assert whole["coverage"]["totals"] == overview["coverage"]["totals"]
    assert [(r["criterionId"], r["status"], r["carvedOut"]) for r in whole["coverage"]["criteria"]] == [
        (r["criterionId"], r["status"], r["carvedOut"]) for r in overview["coverage"]["criteria"]
    ]
    assert rows(whole["missingEvidence"]) == rows(overview["missingEvidence"])


def small(store: GraphStore) -> None:
    GraphBuilder().framework().criterion("C1", category="Ops").asset("m").write_to(store)


UPSERT = """mutation($g: [EngagementInput!]!) { upsertEngagements(engagements: $g) { id categories assets } }"""


def test_refusals_name_the_api_fields_with_a_code(store: GraphStore, live: LiveServer) -> None:
    small(store)
    base = {"id": "g", "name": "G", "framework": "fw", "kind": "TYPE2", "periodStart": day(0).isoformat()}
    cases = [
        ({**base, "periodEnd": day(-1).isoformat()}, "engagements[0].periodEnd"),
        ({**base, "periodEnd": day(1).isoformat(), "categories": ["Nope"]}, "engagements[0].categories[0]"),
        ({**base, "periodEnd": day(1).isoformat(), "assets": ["ghost"]}, "engagements[0].assets[0]"),
        ({**base, "periodEnd": day(1).isoformat(), "asOf": day(0).isoformat()}, "engagements[0].asOf"),
    ]
    for item, field in cases:
        error = live.error(UPSERT, {"g": [item]})
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert field in [p["field"] for p in error["extensions"]["fields"]], error
    assert live.data("{ engagements { totalCount } }") == {"engagements": {"totalCount": 0}}


def test_editors_write_engagements_auditors_read_them_viewers_cannot_write(store: GraphStore, live: LiveServer) -> None:
    small(store)
    item = {"id": "g", "name": "G", "framework": "fw", "kind": "TYPE1", "asOf": day(1).isoformat(), "assets": ["m"]}
    assert live.as_role(Role.VIEWER).error(UPSERT, {"g": [item]})["extensions"]["code"] == "FORBIDDEN"
    assert live.as_role(Role.EDITOR).data(UPSERT, {"g": [item]})["upsertEngagements"] == [
        {"id": "g", "categories": [], "assets": ["m"]}
    ]
    auditor = live.as_role(Role.AUDITOR)
    found = auditor.data("{ engagements(first: 5) { edges { node { id boundary coverage { totals { total } } } } } }")
    assert found["engagements"]["edges"] == [
        {"node": {"id": "g", "boundary": ["m"], "coverage": {"totals": {"total": 1}}}}
    ]
    assert "engagement g" in live.error('mutation { deleteAsset(id: "m") { deleted } }')["message"]
