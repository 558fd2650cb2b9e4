"""Audit exceptions and remediation through the real HTTP API, on both stores (issue 14 item 2):
who may record what, open and overdue at their edges, the latest remediation wins, filters,
append-only refusals that leave the graph as it was, refusals naming the API's fields, the audit
log, and the engagement's coverage rows saying a criterion has an open exception."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from graph.access.keys import Role
from graph.model import now_utc
from graph.store import GraphStore
from tests.graphs import GraphBuilder, day
from tests.service.conftest import LiveServer

RECORD = """mutation($e: AuditExceptionInput!) { recordException(exception: $e) {
  id engagement control evidence severity foundAt supersedes recordedAt recordedBy } }"""
REMEDIATE = """mutation($r: RemediationInput!) { recordRemediation(remediation: $r) {
  id exception owner due status closedAt evidence recordedBy } }"""
LIST = """query($g: ID, $open: Boolean, $overdue: Boolean, $owner: String, $severity: ExceptionSeverity,
  $control: ID, $at: DateTime, $first: Int, $after: String) {
  auditExceptions(engagement: $g, open: $open, overdue: $overdue, owner: $owner, severity: $severity,
    control: $control, at: $at, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id current { id status owner } remediations { id status } } } } }"""


def audit_graph(store: GraphStore) -> None:
    """Engagement g (Ops criteria over asset m): K1 and K4 are in scope; K2 is of another category,
    K3 applies only to an asset outside the boundary."""
    (
        GraphBuilder()
        .framework()
        .criterion("C1", category="Ops")
        .criterion("C2", category="Other")
        .criterion("C3", category="Ops")
        .asset("m")
        .asset("x")
        .control("K1", satisfies=["fw:C1"], applies_to=["m"])
        .control("K2", satisfies=["fw:C2"], applies_to=["m"])
        .control("K3", satisfies=["fw:C1"], applies_to=["x"])
        .control("K4", satisfies=["fw:C3"], applies_to=["m"])
        .evidence("K1", day(0), eid="ev-k1")
        .evidence("K2", day(0), eid="ev-k2")
        .engagement("g", categories=["Ops"], assets=["m"], as_of=day(1))
        .engagement("h", categories=["Ops"], assets=["m"], as_of=day(1))
        .write_to(store)
    )


def exception(eid: str, control: str = "K1", **fields: Any) -> dict[str, Any]:
    return {
        "id": eid,
        "engagement": "g",
        "control": control,
        "description": f"{eid}: sampled item lacked sign-off",
        "severity": "DEFICIENCY",
        "foundAt": day(1).isoformat(),
        **fields,
    }


def remediation(rid: str, exc: str, status: str = "OPEN", **fields: Any) -> dict[str, Any]:
    return {
        "id": rid,
        "exception": exc,
        "owner": "ops-lead",
        "due": day(30).isoformat(),
        "plan": "add a second approver",
        "status": status,
        **fields,
    }


def listed(live: LiveServer, **variables: Any) -> list[str]:
    found = live.data(LIST, {"first": 100, **variables})["auditExceptions"]
    return [e["node"]["id"] for e in found["edges"]]


def test_auditors_record_exceptions_editors_remediate_no_one_else(store: GraphStore, live: LiveServer) -> None:
    audit_graph(store)
    auditor, editor = live.as_role(Role.AUDITOR, "auditor a"), live.as_role(Role.EDITOR, "editor e")
    collector, viewer = live.as_role(Role.EVIDENCE_COLLECTOR), live.as_role(Role.VIEWER)

    recorded = auditor.data(RECORD, {"e": exception("x1", evidence="ev-k1")})["recordException"]
    assert recorded["recordedBy"].endswith("(auditor a)") and recorded["evidence"] == "ev-k1"
    for caller in (editor, collector, viewer):
        assert caller.error(RECORD, {"e": exception("x2")})["extensions"]["code"] == "FORBIDDEN"

    done = editor.data(REMEDIATE, {"r": remediation("r1", "x1")})["recordRemediation"]
    assert done["status"] == "OPEN" and done["recordedBy"].endswith("(editor e)")
    for caller in (auditor, collector, viewer):
        assert caller.error(REMEDIATE, {"r": remediation("r2", "x1")})["extensions"]["code"] == "FORBIDDEN"

    # Admin does both; a server-made id when none is given.
    made = live.data(RECORD, {"e": {**exception("ignored"), "id": None}})["recordException"]["id"]
    assert made.startswith("exc-")
    # Nobody deletes: there is no such mutation.
    no_delete = live.error('mutation { deleteException(id: "x1") { deleted } }')
    assert no_delete["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"

    # Every role that reads may list; the collector may not.
    for caller in (auditor, editor, viewer, live):
        assert listed(caller, g="g") == sorted(["x1", made])
    assert collector.error(LIST, {})["extensions"]["code"] == "FORBIDDEN"
    assert store.count_nodes(store_label("AuditException")) == 2

    # Every write, allowed or refused, is in the audit log.
    log = live.data("{ auditLog(first: 100) { edges { node { operation role outcome } } } }")["auditLog"]
    entries = [tuple(e["node"].values()) for e in log["edges"]]
    assert ("Mutation.recordException", "auditor", "ok") in entries
    assert ("Mutation.recordException", "editor", "denied: FORBIDDEN") in entries
    assert ("Mutation.recordRemediation", "editor", "ok") in entries
    assert ("Mutation.recordRemediation", "auditor", "denied: FORBIDDEN") in entries
    assert ("Mutation.recordException", "admin", "ok") in entries


def store_label(name: str) -> Any:
    from graph.model import Label

    return Label(name)


def test_open_and_overdue_at_their_edges_latest_remediation_wins(store: GraphStore, live: LiveServer) -> None:
    audit_graph(store)
    live.data(RECORD, {"e": exception("x1")})
    assert listed(live, open=True) == ["x1"]  # no remediation yet: open, not overdue
    assert listed(live, overdue=True) == []

    due = day(30)
    live.data(REMEDIATE, {"r": remediation("r1", "x1", due=due.isoformat())})
    assert listed(live, overdue=True, at=due.isoformat()) == []  # due exactly at T: not overdue yet
    later = (due + timedelta(seconds=1)).isoformat()
    assert listed(live, overdue=True, at=later) == ["x1"]
    assert listed(live, overdue=False, at=due.isoformat()) == ["x1"]

    live.data(REMEDIATE, {"r": remediation("r2", "x1", "REMEDIATED", closedAt=day(20).isoformat())})
    assert listed(live, open=True) == [] and listed(live, open=False) == ["x1"]
    assert listed(live, overdue=True, at=later) == []  # remediated: not open, so never overdue
    node = live.data(LIST, {"first": 5})["auditExceptions"]["edges"][0]["node"]
    assert node["current"]["id"] == "r2" and [r["id"] for r in node["remediations"]] == ["r1", "r2"]

    # Reopened: the latest record wins again.
    live.data(REMEDIATE, {"r": remediation("r3", "x1", owner="someone-else")})
    assert listed(live, open=True) == ["x1"]
    assert listed(live, owner="someone-else") == ["x1"] and listed(live, owner="ops-lead") == []


def test_a_superseded_exception_stays_listed_and_counts_for_nothing(store: GraphStore, live: LiveServer) -> None:
    audit_graph(store)
    live.data(RECORD, {"e": exception("x1")})
    live.data(REMEDIATE, {"r": remediation("r1", "x1", due=day(2).isoformat())})
    live.data(RECORD, {"e": exception("x1b", supersedes="x1", severity="SIGNIFICANT_DEFICIENCY")})
    assert listed(live) == ["x1", "x1b"]
    shown = live.data("{ auditExceptions { edges { node { id supersedes supersededBy } } } }")["auditExceptions"]
    assert [e["node"] for e in shown["edges"]] == [
        {"id": "x1", "supersedes": None, "supersededBy": "x1b"},
        {"id": "x1b", "supersedes": "x1", "supersededBy": None},
    ]
    assert listed(live, open=True) == ["x1b"]
    assert listed(live, overdue=True) == []  # x1's remediation is overdue, but x1 counts for nothing
    assert listed(live, open=False) == ["x1"]
    # A correction keeps the engagement and the control, corrects the latest correction, never itself.
    refusals = [
        exception("x1c", control="K4", supersedes="x1b"),
        exception("x1d", supersedes="x1"),  # x1b corrects x1 already: a chain, never a fork
        exception("x1e", supersedes="x1e"),
    ]
    before = store.export()
    for item in refusals:
        error = live.error(RECORD, {"e": item})
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert [p["field"] for p in error["extensions"]["fields"]] == ["exception.supersedes"], error
    assert store.export() == before
    live.data(RECORD, {"e": exception("x1f", supersedes="x1b")})
    assert listed(live, open=True) == ["x1f"]


def test_filters_order_and_pages(store: GraphStore, live: LiveServer) -> None:
    audit_graph(store)
    live.data(RECORD, {"e": exception("b", foundAt=day(1).isoformat())})
    live.data(RECORD, {"e": exception("a", foundAt=day(1).isoformat(), severity="MATERIAL_WEAKNESS")})
    live.data(RECORD, {"e": exception("c", control="K4", foundAt=day(0).isoformat())})
    live.data(RECORD, {"e": {**exception("d"), "engagement": "h"}})
    assert listed(live) == ["c", "a", "b", "d"]  # found_at, then id
    assert listed(live, g="g") == ["c", "a", "b"] and listed(live, g="h") == ["d"]
    assert listed(live, control="K4") == ["c"]
    assert listed(live, severity="MATERIAL_WEAKNESS") == ["a"]
    first = live.data(LIST, {"g": "g", "first": 2})["auditExceptions"]
    assert [e["node"]["id"] for e in first["edges"]] == ["c", "a"] and first["totalCount"] == 3
    assert first["pageInfo"]["hasNextPage"] is True
    rest = live.data(LIST, {"g": "g", "first": 2, "after": first["pageInfo"]["endCursor"]})["auditExceptions"]
    assert [e["node"]["id"] for e in rest["edges"]] == ["b"] and rest["pageInfo"]["hasNextPage"] is False


def test_records_are_append_only_a_refusal_changes_nothing(store: GraphStore, live: LiveServer) -> None:
    audit_graph(store)
    first = live.data(RECORD, {"e": exception("x1")})["recordException"]
    live.data(REMEDIATE, {"r": remediation("r1", "x1")})
    before = store.export()
    again = live.as_role(Role.AUDITOR).data(RECORD, {"e": exception("x1")})["recordException"]
    assert again == first  # the same content: a no-op keeping the first recording's stamps
    assert store.export() == before

    edited = live.error(RECORD, {"e": exception("x1", description="something else")})
    assert edited["extensions"]["code"] == "CONFLICT"
    assert edited["message"].startswith("exception.description:")
    moved = live.error(REMEDIATE, {"r": remediation("r1", "x1", owner="another")})
    assert moved["extensions"]["code"] == "CONFLICT" and moved["message"].startswith("remediation.owner:")
    assert store.export() == before


def test_refusals_name_the_fields_as_the_api_spells_them(store: GraphStore, live: LiveServer) -> None:
    audit_graph(store)
    live.data(RECORD, {"e": exception("x1")})
    future = (now_utc() + timedelta(hours=1)).isoformat()
    cases: list[tuple[str, dict[str, Any], str]] = [
        (RECORD, {"e": exception("n1", foundAt=future)}, "exception.foundAt"),
        (RECORD, {"e": exception("n2", control="K2")}, "exception.control"),  # another category
        (RECORD, {"e": exception("n3", control="K3")}, "exception.control"),  # outside the boundary
        (RECORD, {"e": exception("n4", evidence="ghost")}, "exception.evidence"),
        (RECORD, {"e": exception("n5", evidence="ev-k2")}, "exception.evidence"),  # another control's
        (RECORD, {"e": {**exception("n6"), "engagement": "ghost"}}, "exception.engagement"),
        (RECORD, {"e": exception("n7", description="")}, "exception.description"),
        (REMEDIATE, {"r": remediation("q1", "x1", closedAt=day(3).isoformat())}, "remediation.closedAt"),
        (REMEDIATE, {"r": remediation("q2", "x1", "REMEDIATED")}, "remediation.closedAt"),
        (REMEDIATE, {"r": remediation("q3", "x1", "RISK_ACCEPTED")}, "remediation.closedAt"),
        (REMEDIATE, {"r": remediation("q4", "ghost")}, "remediation.exception"),
        (REMEDIATE, {"r": remediation("q5", "x1", evidence=["ev-k1", "ghost"])}, "remediation.evidence[1]"),
        (REMEDIATE, {"r": remediation("q6", "x1", "REMEDIATED", closedAt=future)}, "remediation.closedAt"),
    ]
    before = store.export()
    for query, variables, field in cases:
        error = live.error(query, variables)
        assert error["extensions"]["code"] == "BAD_USER_INPUT", (field, error)
        assert field in [p["field"] for p in error["extensions"]["fields"]], (field, error)
    assert store.export() == before
    ok = live.data(REMEDIATE, {"r": remediation("q7", "x1", "RISK_ACCEPTED", closedAt=day(3).isoformat())})
    assert ok["recordRemediation"]["closedAt"] is not None


COVERAGE = """query { engagement(id: "g") { coverage { criteria { criterionId openExceptions openExceptionIds } } } }"""


def test_coverage_rows_name_open_exceptions_of_the_controls_behind_them(store: GraphStore, live: LiveServer) -> None:
    audit_graph(store)

    def rows() -> dict[str, tuple[int, list[str]]]:
        found = live.data(COVERAGE)["engagement"]["coverage"]["criteria"]
        return {r["criterionId"]: (r["openExceptions"], r["openExceptionIds"]) for r in found}

    assert rows() == {"fw:C1": (0, []), "fw:C3": (0, [])}
    live.data(RECORD, {"e": exception("x1")})
    live.data(RECORD, {"e": exception("x2", control="K4")})
    live.data(RECORD, {"e": {**exception("x3"), "engagement": "h"}})  # another engagement's
    assert rows() == {"fw:C1": (1, ["x1"]), "fw:C3": (1, ["x2"])}
    live.data(REMEDIATE, {"r": remediation("r1", "x1", "REMEDIATED", closedAt=day(2).isoformat())})
    live.data(RECORD, {"e": exception("x2b", control="K4", supersedes="x2")})
    assert rows() == {"fw:C1": (0, []), "fw:C3": (1, ["x2b"])}
