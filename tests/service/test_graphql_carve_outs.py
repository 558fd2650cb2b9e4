"""Carve-outs through GraphQL on both stores: `carvedOut` on coverage rows (typed and the
dashboard's `criteriaRows`), VENDOR_REPORT_* rows naming their vendor, the vendor's report fields,
and a carved-out control written without a vendor refused naming the field."""

from __future__ import annotations

import asyncio
from typing import Any

from graph.access.keys import Role
from graph.store import GraphStore
from service.auth.roles import Principal
from service.graphql.context import Context
from service.graphql.schema import build_schema
from tests.graphs import GraphBuilder, day

ADMIN = Principal(actor="test", roles=frozenset({Role.ADMIN}), rate_key="test")


def run(store: GraphStore, query: str) -> Any:
    return asyncio.run(build_schema().execute(query, None, Context(store, ADMIN)))


def ask(store: GraphStore, query: str) -> Any:
    result = run(store, query)
    assert result.errors is None, result.errors
    return result.data


def graph(store: GraphStore) -> None:
    b = GraphBuilder().framework().criterion("C1").criterion("C2")
    b.vendor("cloud", report_valid_until=day(30), report_kind="soc2_type2")
    b.control("phys", status="carved_out", satisfies=["fw:C1"]).relies_on("phys", "cloud")
    b.control("own", satisfies=["fw:C2"]).evidence("own", day(0))
    b.control("phys2", status="carved_out", satisfies=["fw:C2"]).relies_on("phys2", "cloud")
    b.write_to(store)


COVERAGE = """{ coverage(framework: "fw", asOf: "%s") {
    criteria { criterionId status carvedOut }
    criteriaRows } }"""


def test_carved_out_flag_on_coverage_rows(store: GraphStore) -> None:
    graph(store)
    found = ask(store, COVERAGE % day(1).isoformat())["coverage"]
    assert found["criteria"] == [
        {"criterionId": "fw:C1", "status": "COVERED", "carvedOut": True},
        {"criterionId": "fw:C2", "status": "COVERED", "carvedOut": False},
    ]
    assert [(r["criterionId"], r["carvedOut"]) for r in found["criteriaRows"]] == [("fw:C1", True), ("fw:C2", False)]


def test_vendor_report_rows_name_the_vendor(store: GraphStore) -> None:
    graph(store)
    query = """{ missingEvidence(asOf: "%s") { byReason { reason count }
        rows { edges { node { controlId assetId vendorId reason since
            vendor { id reportKind reportValidUntil } } } } } }"""
    found = ask(store, query % day(30).isoformat())["missingEvidence"]
    assert found["byReason"] == [{"reason": "VENDOR_REPORT_EXPIRED", "count": 2}]
    nodes = [e["node"] for e in found["rows"]["edges"]]
    assert [(n["controlId"], n["vendorId"], n["assetId"]) for n in nodes] == [
        ("phys", "cloud", None),
        ("phys2", "cloud", None),
    ]
    assert nodes[0]["since"].startswith(day(30).isoformat()[:19])
    assert nodes[0]["vendor"]["reportKind"] == "SOC2_TYPE2"


def test_carved_out_without_vendor_is_refused_naming_the_field(store: GraphStore) -> None:
    result = run(
        store,
        'mutation { upsertControls(controls: [{id: "x", title: "X", status: CARVED_OUT}]) { __typename } }',
    )
    assert result.errors is not None
    [error] = result.errors
    assert error.extensions is not None and error.extensions["code"] == "BAD_USER_INPUT"
    [problem] = error.extensions["fields"]
    assert problem["field"] == "controls[0].status" and "relies on no vendor" in problem["reason"]
    assert ask(store, '{ control(id: "x") { id } }')["control"] is None


def test_upsert_controls_links_the_vendors_a_carve_out_relies_on(store: GraphStore) -> None:
    ask(store, 'mutation { upsertVendors(vendors: [{id: "v", name: "V"}]) { id } }')
    query = 'mutation { upsertControls(controls: [{id: "x", title: "X", status: CARVED_OUT, reliesOn: ["v"]}]) { id } }'
    ask(store, query)
    assert ask(store, '{ control(id: "x") { status vendors { id } } }')["control"] == {
        "status": "CARVED_OUT",
        "vendors": [{"id": "v"}],
    }
