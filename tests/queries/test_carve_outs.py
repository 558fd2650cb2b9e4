"""Carved-out controls (DESIGN.md "Carved-out control"): the vendors' reports stand in for evidence."""

from __future__ import annotations

from datetime import datetime

import pytest

from graph.bundle import Bundle
from graph.errors import InvalidInputError
from graph.model import ControlStatus, CoverageStatus, Label, Rel, ReportKind, Vendor
from graph.queries import coverage, evidence_gaps, missing_evidence
from graph.rules.evaluation import EvidenceState, all_carved_out, direct_status, vendor_report_state
from graph.store import GraphStore
from tests.graphs import EPS, GraphBuilder, day, statuses

UNTIL = day(30)


def vendor_rows(store: GraphStore, at: datetime) -> set[tuple[str, str | None, str, datetime | None]]:
    """(control, vendor, reason, since) of the missing-evidence rows at `at`."""
    return {(r.control_id, r.vendor_id, r.reason.value, r.since) for r in missing_evidence(store, at).rows}


def carved(*vendors: tuple[str, datetime | None], satisfies: str = "fw:C1") -> GraphBuilder:
    """Criterion C1 satisfied by `co`, carved out to `vendors` (id, report_valid_until)."""
    b = GraphBuilder().framework().criterion("C1").control("co", status="carved_out", satisfies=[satisfies])
    for vendor_id, until in vendors:
        b.vendor(vendor_id, report_valid_until=until, report_kind="soc2_type2").relies_on("co", vendor_id)
    return b


# -- the write rule -----------------------------------------------------------------------------


def test_a_carved_out_control_without_a_vendor_is_refused_and_nothing_is_written(store: GraphStore) -> None:
    GraphBuilder().framework().criterion("C1").write_to(store)
    before = store.export()
    lone = GraphBuilder().vendor("v").control("co", status="carved_out", satisfies=["fw:C1"]).bundle()
    with pytest.raises(InvalidInputError) as error:
        store.write(lone)
    [problem] = error.value.problems
    assert problem.field == "controls[0].status"
    assert "'co'" in problem.reason and "relies on no vendor" in problem.reason
    assert store.export() == before


def test_a_carve_out_may_rely_on_a_vendor_linked_earlier(store: GraphStore) -> None:
    GraphBuilder().vendor("v").control("co").relies_on("co", "v").write_to(store)
    store.write(Bundle.model_validate({"controls": [{"id": "co", "title": "Co", "status": "carved_out"}]}))
    assert store.related(Rel.RELIES_ON, ["co"]) == {"co": ["v"]}
    assert vendor_rows(store, day(1)) == {("co", "v", "VENDOR_REPORT_MISSING", None)}


def test_vendor_report_fields_round_trip_and_a_bad_kind_names_its_field(store: GraphStore) -> None:
    carved(("v", UNTIL)).write_to(store)
    vendor = store.get_nodes(Label.VENDOR, ["v"])["v"]
    assert isinstance(vendor, Vendor)
    assert (vendor.report_kind, vendor.report_valid_until) == (ReportKind.SOC2_TYPE2, UNTIL)
    with pytest.raises(ValueError, match="report_kind"):
        Bundle.model_validate({"vendors": [{"id": "w", "name": "W", "report_kind": "soc3"}]})


# -- effectiveness at T -------------------------------------------------------------------------


def test_effective_while_the_report_is_valid_and_not_at_its_end(store: GraphStore) -> None:
    carved(("v", UNTIL)).write_to(store)
    before = coverage(store, "fw", UNTIL - EPS)
    assert statuses(before) == {"fw:C1": "COVERED"}
    assert before.criteria[0].carved_out
    assert missing_evidence(store, UNTIL - EPS).rows == []
    # Expiring exactly at T: no longer effective (asked after an earlier instant, then before it again).
    at_end = coverage(store, "fw", UNTIL)
    assert statuses(at_end) == {"fw:C1": "PARTIAL"} and at_end.criteria[0].carved_out
    assert vendor_rows(store, UNTIL) == {("co", "v", "VENDOR_REPORT_EXPIRED", UNTIL)}
    assert statuses(coverage(store, "fw", day(1))) == {"fw:C1": "COVERED"}
    assert vendor_rows(store, day(1)) == set()


def test_one_row_per_vendor_without_a_valid_report(store: GraphStore) -> None:
    carved(("ok", day(90)), ("gone", day(10)), ("none", None)).write_to(store)
    [row_gone, row_none] = missing_evidence(store, day(20)).rows
    assert (row_gone.vendor_id, row_gone.reason.value, row_gone.since, row_gone.asset_id) == (
        "gone",
        "VENDOR_REPORT_EXPIRED",
        day(10),
        None,
    )
    assert (row_none.vendor_id, row_none.reason.value, row_none.since) == ("none", "VENDOR_REPORT_MISSING", None)
    assert vendor_rows(store, day(5)) == {("co", "none", "VENDOR_REPORT_MISSING", None)}
    assert missing_evidence(store, day(20), "fw").rows == missing_evidence(store, day(20)).rows


def test_a_carved_out_control_expects_no_evidence_and_has_no_period_gaps(store: GraphStore) -> None:
    carved(("v", UNTIL)).asset("a").write_to(store)
    store.write(Bundle.model_validate({"applies_to": [{"source": "co", "target": "a"}]}))
    assert missing_evidence(store, day(1)).rows == []
    assert evidence_gaps(store, day(0), day(60)).controls == []


# -- the criterion flag ---------------------------------------------------------------------------


def test_all_carved_out_sets_the_flag_and_mixed_does_not(store: GraphStore) -> None:
    b = carved(("v", UNTIL)).criterion("C2").criterion("C3")
    b.control("co2", status="carved_out", satisfies=["fw:C2"]).relies_on("co2", "v")
    b.control("own", satisfies=["fw:C2"]).evidence("own", day(0))  # mixed: C2
    b.control("plan", status="planned", satisfies=["fw:C1"])  # ignored: C1 stays all carved out
    b.control("na", status="not_applicable", satisfies=["fw:C3"]).control("co3", status="carved_out")
    b.relies_on("co3", "v").data["satisfies"].append({"source": "co3", "target": "fw:C3"})
    b.write_to(store)
    report = coverage(store, "fw", day(1))
    flags = {row.criterion_id: (row.status.value, row.carved_out) for row in report.criteria}
    assert flags == {
        "fw:C1": ("COVERED", True),
        "fw:C2": ("COVERED", False),
        "fw:C3": ("COVERED", True),
    }
    # At the report's end the carved-out controls stop being effective: C2 is partial, still mixed.
    late = {row.criterion_id: (row.status.value, row.carved_out) for row in coverage(store, "fw", UNTIL).criteria}
    assert late == {"fw:C1": ("PARTIAL", True), "fw:C2": ("PARTIAL", False), "fw:C3": ("PARTIAL", True)}


def test_planned_and_not_applicable_only_is_uncovered_and_not_carved_out(store: GraphStore) -> None:
    GraphBuilder().framework().criterion("C1").control("p", status="planned", satisfies=["fw:C1"]).write_to(store)
    [row] = coverage(store, "fw", day(1)).criteria
    assert (row.status.value, row.carved_out) == ("UNCOVERED", False)


def test_answers_follow_later_writes_of_the_vendor_and_the_control(store: GraphStore) -> None:
    # Asked first, so anything a store remembers is in place before each write.
    GraphBuilder().framework().criterion("C1").control("co", satisfies=["fw:C1"]).write_to(store)
    assert vendor_rows(store, day(1)) == {("co", None, "NEVER_COLLECTED", None)}
    GraphBuilder().vendor("v", report_valid_until=UNTIL).relies_on("co", "v").write_to(store)
    store.write(Bundle.model_validate({"controls": [{"id": "co", "title": "Co", "status": "carved_out"}]}))
    assert statuses(coverage(store, "fw", day(1))) == {"fw:C1": "COVERED"}
    assert vendor_rows(store, day(1)) == set()
    # The report is found to end earlier: the same instant now misses it.
    GraphBuilder().vendor("v", report_valid_until=day(1)).write_to(store)
    assert statuses(coverage(store, "fw", day(1))) == {"fw:C1": "PARTIAL"}
    assert vendor_rows(store, day(1)) == {("co", "v", "VENDOR_REPORT_EXPIRED", day(1))}


# -- the rules as pure functions ------------------------------------------------------------------


def test_the_rules_count_a_carve_out_as_implemented_and_its_report_until_its_end() -> None:
    carved, implemented, planned = ControlStatus.CARVED_OUT, ControlStatus.IMPLEMENTED, ControlStatus.PLANNED
    assert direct_status([(carved, True)]) is CoverageStatus.COVERED
    assert direct_status([(carved, False), (planned, False)]) is CoverageStatus.PARTIAL
    assert all_carved_out([carved, planned]) and not all_carved_out([carved, implemented])
    assert not all_carved_out([planned]) and not all_carved_out([])
    assert vendor_report_state(UNTIL, UNTIL - EPS) is EvidenceState.OK
    assert vendor_report_state(UNTIL, UNTIL) is EvidenceState.VENDOR_REPORT_EXPIRED
    assert vendor_report_state(None, UNTIL) is EvidenceState.VENDOR_REPORT_MISSING
