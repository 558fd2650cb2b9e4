"""A control's finding policy and OPEN_FINDINGS rows through GraphQL and the MCP tool, on both
stores: the policy written by `upsertControls` and read back, a bad policy refused naming the
field, and the missing-evidence row naming the overdue finding and its age (DESIGN.md "Findings")."""

from __future__ import annotations

import asyncio
from typing import Any

from graph.access.keys import Role
from graph.model import Label
from graph.store import GraphStore
from service.auth.roles import Principal
from service.graphql.context import Context
from service.graphql.schema import build_schema
from service.mcp import tools
from tests.graphs import GraphBuilder, day

ADMIN = Principal(actor="test", roles=frozenset({Role.ADMIN}), rate_key="test")

UPSERT = """mutation ($policy: JSON) { upsertControls(controls: [{id: "vm", title: "Vulnerability management",
    findingPolicy: $policy, satisfies: ["fw:C1"]}]) { id findingPolicy } }"""
MISSING = """{ missingEvidence(asOf: "%s") { byReason { reason count }
    rows(reason: OPEN_FINDINGS) { edges { node { controlId assetId reason since findingId findingAgeDays } } } } }"""


def run(store: GraphStore, query: str, variables: dict[str, Any] | None = None) -> Any:
    return asyncio.run(build_schema().execute(query, variables, Context(store, ADMIN)))


def test_a_policy_written_through_graphql_holds_back_the_control_and_names_the_finding(store: GraphStore) -> None:
    b = GraphBuilder().framework().criterion("C1").asset("gpu").finding("fnd-1", "gpu", day(-20), severity="critical")
    b.write_to(store)
    result = run(store, UPSERT, {"policy": {"critical": 15, "high": 30}})
    assert result.errors is None, result.errors
    assert result.data == {"upsertControls": [{"id": "vm", "findingPolicy": {"critical": 15, "high": 30}}]}
    scope = GraphBuilder().control("vm", applies_to=["gpu"]).evidence("vm", day(-30), valid_until=day(90)).bundle()
    store.write(scope.model_copy(update={"controls": []}))  # the link and the evidence: the policy stays
    read = run(store, '{ control(id: "vm") { findingPolicy } }')
    assert read.data == {"control": {"findingPolicy": {"critical": 15, "high": 30}}}
    found = run(store, MISSING % day(0).isoformat()).data["missingEvidence"]
    assert found["byReason"] == [{"reason": "OPEN_FINDINGS", "count": 1}]
    [edge] = found["rows"]["edges"]
    assert edge["node"] == {
        "controlId": "vm",
        "assetId": "gpu",
        "reason": "OPEN_FINDINGS",
        "since": day(-20).isoformat().replace("+00:00", "Z"),
        "findingId": "fnd-1",
        "findingAgeDays": 20,
    }
    [row] = tools.missing_evidence(store, as_of=day(0))["missing"]["rows"]
    assert (row["reason"], row["finding"], row["finding_age_days"]) == ("OPEN_FINDINGS", "fnd-1", 20)


def test_a_bad_policy_is_refused_naming_the_field_and_nothing_is_written(store: GraphStore) -> None:
    GraphBuilder().framework().criterion("C1").write_to(store)
    result = run(store, UPSERT, {"policy": {"urgent": 15}})
    assert result.errors is not None
    assert result.errors[0].extensions["code"] == "BAD_USER_INPUT"
    assert "finding_policy" in result.errors[0].message or "findingPolicy" in result.errors[0].message
    assert store.get_nodes(Label.CONTROL, ["vm"]) == {}
