"""What the dashboard's vendor and control pages ask, through GraphQL on both stores: `vendor(id)`
with its assets and relying controls; `vendorLapse`: what its report lapsing would cost, criteria
flipping per framework (the crosswalk included), computed by the coverage machinery and writing
nothing; `controlPeriod`: one control's Type II intervals and gaps."""

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
    b = GraphBuilder().framework().criterion("C1").criterion("C2").criterion("C3")
    b.framework("fw2").criterion("X1", "fw2").maps("fw:C1", "fw2:X1", "equal")
    b.asset("gpu").asset("lonely")
    b.vendor("cloud", ["gpu"], report_valid_until=day(30), report_kind="soc2_type2")
    b.vendor("backup", report_valid_until=day(60), report_kind="iso27001")
    b.vendor("spare", ["lonely"], report_valid_until=day(30))
    b.control("phys", status="carved_out", satisfies=["fw:C1"]).relies_on("phys", "cloud")
    b.control("own", satisfies=["fw:C2"]).evidence("own", day(0))
    b.control("phys2", status="carved_out", satisfies=["fw:C2"]).relies_on("phys2", "cloud")
    b.relies_on("phys2", "backup")
    # An implemented control relying on the vendor stands on its own evidence: a lapse moves nothing.
    b.control("impl", satisfies=["fw:C3"]).evidence("impl", day(0)).relies_on("impl", "cloud")
    b.write_to(store)


LAPSE = """{ vendorLapse(vendor: "%s", asOf: "%s") {
    vendorId controlIds controls { id status }
    frameworks { frameworkId before { covered partial } after { covered partial }
      changes { criterionId before after criterion { ref } } } } }"""


def test_a_lapse_flips_the_criteria_of_its_carved_out_controls_and_through_the_crosswalk(store: GraphStore) -> None:
    graph(store)
    before = store.export()
    found = ask(store, LAPSE % ("cloud", day(1).isoformat()))["vendorLapse"]
    assert found["vendorId"] == "cloud"
    assert found["controlIds"] == ["phys", "phys2"]
    assert [c["status"] for c in found["controls"]] == ["CARVED_OUT", "CARVED_OUT"]
    by_framework = {f["frameworkId"]: f for f in found["frameworks"]}
    assert set(by_framework) == {"fw", "fw2"}
    assert [(c["criterionId"], c["before"], c["after"]) for c in by_framework["fw"]["changes"]] == [
        ("fw:C1", "COVERED", "PARTIAL"),
        ("fw:C2", "COVERED", "PARTIAL"),
    ]
    assert by_framework["fw"]["before"] == {"covered": 3, "partial": 0}
    assert by_framework["fw"]["after"] == {"covered": 1, "partial": 2}
    assert [(c["criterionId"], c["after"], c["criterion"]["ref"]) for c in by_framework["fw2"]["changes"]] == [
        ("fw2:X1", "PARTIAL", "X1")
    ]
    # A what-if: the vendor's report and every answer are as they were.
    assert store.export() == before
    at = day(1).isoformat()
    coverage = ask(store, f'{{ coverage(framework: "fw", asOf: "{at}") {{ totals {{ covered }} }} }}')
    assert coverage["coverage"]["totals"]["covered"] == 3


def test_a_report_already_lapsed_or_a_vendor_nothing_relies_on_costs_nothing(store: GraphStore) -> None:
    graph(store)
    lapsed = ask(store, LAPSE % ("cloud", day(30).isoformat()))["vendorLapse"]
    assert lapsed["controlIds"] == []
    assert all(f["changes"] == [] and f["before"] == f["after"] for f in lapsed["frameworks"])
    assert ask(store, LAPSE % ("spare", day(1).isoformat()))["vendorLapse"]["frameworks"] == []


def test_an_unknown_vendor_is_null_and_its_lapse_refused_naming_the_field(store: GraphStore) -> None:
    graph(store)
    assert ask(store, '{ vendor(id: "nope") { id } }')["vendor"] is None
    result = run(store, LAPSE % ("nope", day(1).isoformat()))
    assert result.errors is not None
    [error] = result.errors
    assert error.extensions is not None and error.extensions["code"] == "NOT_FOUND"
    assert "vendor" in error.message and "'nope'" in error.message


def test_vendor_by_id_with_its_assets_and_relying_controls(store: GraphStore) -> None:
    graph(store)
    found = ask(
        store,
        '{ vendor(id: "cloud") { id reportKind reportValidUntil assets { id } controls { id status } } }',
    )["vendor"]
    assert found["reportKind"] == "SOC2_TYPE2"
    assert found["reportValidUntil"].startswith(day(30).isoformat()[:19])
    assert [a["id"] for a in found["assets"]] == ["gpu"]
    assert sorted((c["id"], c["status"]) for c in found["controls"]) == [
        ("impl", "IMPLEMENTED"),
        ("phys", "CARVED_OUT"),
        ("phys2", "CARVED_OUT"),
    ]


PERIOD = """{ controlPeriod(control: "%s", start: "%s", end: "%s") {
    controlId frequency gaps intervals { start evidenceCount isGap } } }"""


def test_control_period_is_the_control_s_row_of_the_period_report(store: GraphStore) -> None:
    graph(store)
    start, end = day(-62).isoformat(), day(31).isoformat()
    found = ask(store, PERIOD % ("own", start, end))["controlPeriod"]
    report = ask(
        store,
        f'{{ evidenceGaps(start: "{start}", end: "{end}") {{ controls {{ edges {{ node {{'
        " controlId frequency gaps intervals { start evidenceCount isGap } } } } } }",
    )["evidenceGaps"]["controls"]["edges"]
    assert found == next(e["node"] for e in report if e["node"]["controlId"] == "own")
    assert (found["gaps"], [i["isGap"] for i in found["intervals"]]) == (2, [True, True, False])
    # A carved-out control expects no evidence of its own: no period.
    assert ask(store, PERIOD % ("phys", start, end))["controlPeriod"] is None
    result = run(store, PERIOD % ("nope", start, end))
    assert result.errors is not None and result.errors[0].extensions is not None
    assert result.errors[0].extensions["code"] == "NOT_FOUND" and "control" in result.errors[0].message
