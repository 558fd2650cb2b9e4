"""Findings drive effectiveness (DESIGN.md "Findings", issue 17 item 3), on both stores.

A control with a `finding_policy` is not effective for an asset it applies to while a finding on
that asset is overdue: open (`first_seen <= T`, not fixed by T) for longer than its severity's
limit. Missing evidence says OPEN_FINDINGS (before any evidence reason) with the oldest overdue
finding and its age. Every test asks first, so a store's remembered answers are warm when the
write that must move them lands.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from graph.bundle import Bundle
from graph.model import CoverageStatus
from graph.queries import coverage, evidence_gaps, impact, missing_evidence
from graph.queries.engagement import engagement_report, get_engagement
from graph.queries.results import ChangeRequest, MissingEvidenceRow
from graph.rules.evaluation import LATEST, to_micros
from graph.rules.findings import DAY_MICROS, age_days, oldest_overdue, overdue_window
from graph.store import GraphStore
from tests.graphs import EPS, GraphBuilder, day, statuses

FIRST_SEEN = day(-40)
LIMIT = timedelta(days=30)  # the policy's `high`
DUE = FIRST_SEEN + LIMIT  # overdue from just after this instant


def scanned(*, fixed_at: datetime | None = None) -> GraphBuilder:
    """C1 is satisfied by `vm` (policy: critical 15 days, high 30), which applies to a1 and a2 and
    has valid evidence for both; a1 has one high finding, first seen 40 days before day 0."""
    return (
        GraphBuilder()
        .framework()
        .criterion("C1")
        .asset("a1")
        .asset("a2")
        .control("vm", satisfies=["fw:C1"], applies_to=["a1", "a2"])
        .policy("vm", critical=15, high=30)
        .evidence("vm", day(-50), valid_until=day(400))
        .finding("f1", "a1", FIRST_SEEN, fixed_at=fixed_at)
    )


def finding_rows(store: GraphStore, at: datetime) -> list[tuple[str, str | None, str, str | None, int | None]]:
    return [
        (r.control_id, r.asset_id, r.reason.value, r.finding_id, r.finding_age_days)
        for r in missing_evidence(store, at).rows
    ]


def c1(store: GraphStore, at: datetime) -> str:
    return statuses(coverage(store, "fw", at))["fw:C1"]


def test_an_overdue_finding_makes_the_criterion_partial_and_a_fix_restores_covered_from_fixed_at(
    store: GraphStore,
) -> None:
    scanned().write_to(store)
    assert c1(store, day(0)) == "PARTIAL"
    [row] = missing_evidence(store, day(0)).rows
    assert row == MissingEvidenceRow(
        control_id="vm", asset_id="a1", reason="OPEN_FINDINGS", since=FIRST_SEEN, finding_id="f1", finding_age_days=40
    )
    # A later scan no longer reports it: the same finding, fixed at day 2.
    store.write(scanned(fixed_at=day(2)).bundle().model_copy(update={"controls": [], "evidence": []}))
    assert c1(store, day(0)) == "PARTIAL", "the past answer stays"
    assert c1(store, day(2) - EPS) == "PARTIAL"
    assert finding_rows(store, day(2) - EPS) == [("vm", "a1", "OPEN_FINDINGS", "f1", 41)]
    assert c1(store, day(2)) == "COVERED"
    assert missing_evidence(store, day(2)).rows == []
    assert c1(store, day(300)) == "COVERED"


def test_a_finding_is_overdue_only_once_open_longer_than_its_limit(store: GraphStore) -> None:
    scanned().write_to(store)
    assert c1(store, DUE) == "COVERED", "open exactly as long as the limit: not overdue yet"
    assert c1(store, DUE + EPS) == "PARTIAL"
    assert finding_rows(store, DUE + EPS) == [("vm", "a1", "OPEN_FINDINGS", "f1", 30)]
    assert c1(store, FIRST_SEEN - EPS) == "COVERED"


def test_a_finding_fixed_when_its_limit_runs_out_never_holds_the_control_back(store: GraphStore) -> None:
    scanned(fixed_at=DUE + EPS).write_to(store)
    assert [c1(store, t) for t in (DUE, DUE + EPS, day(0))] == ["COVERED"] * 3


def test_the_oldest_overdue_finding_is_named_before_stale_evidence_and_only_policies_count(
    store: GraphStore,
) -> None:
    b = scanned()
    b.finding("f2", "a1", day(-20), severity="critical")  # overdue too, but younger than f1
    b.finding("f0", "a1", day(-400), severity="medium")  # no limit for medium: never overdue
    b.finding("f3", "a2", day(-100), severity="low")  # no limit for low
    b.control("plain", satisfies=["fw:C2"], applies_to=["a1"]).criterion("C2")  # no policy
    b.evidence("plain", day(-5), valid_until=day(400))
    b.control("org-wide", satisfies=["fw:C3"]).policy("org-wide", critical=1).criterion("C3")  # no asset
    b.evidence("org-wide", day(-5), valid_until=day(400))
    b.change("a1", day(-1))  # a1 changed after the evidence: stale for it
    b.write_to(store)
    assert finding_rows(store, day(0)) == [
        ("plain", "a1", "STALE", None, None),
        ("vm", "a1", "OPEN_FINDINGS", "f1", 40),
    ]
    assert statuses(coverage(store, "fw", day(0))) == {"fw:C1": "PARTIAL", "fw:C2": "PARTIAL", "fw:C3": "COVERED"}
    # f1 fixed: f2 (critical, 20 days open, limit 15) is the oldest overdue one now.
    store.write(GraphBuilder().finding("f1", "a1", FIRST_SEEN, fixed_at=day(-3)).bundle())
    assert finding_rows(store, day(0))[1] == ("vm", "a1", "OPEN_FINDINGS", "f2", 20)
    assert finding_rows(store, day(-4)) == [("vm", "a1", "OPEN_FINDINGS", "f1", 36)], "before a1 changed, f1 fixed"


def test_a_finding_written_after_a_question_moves_the_remembered_answer(store: GraphStore) -> None:
    GraphBuilder().framework().criterion("C1").asset("a1").control("vm", satisfies=["fw:C1"], applies_to=["a1"]).policy(
        "vm", high=30
    ).evidence("vm", day(-50), valid_until=day(400)).write_to(store)
    assert c1(store, day(0)) == "COVERED"  # remembered for an interval holding day 0
    store.write(GraphBuilder().finding("f1", "a1", FIRST_SEEN).bundle())
    assert c1(store, day(0)) == "PARTIAL"
    assert c1(store, DUE) == "COVERED"


def test_a_policy_written_after_a_question_moves_the_remembered_answer(store: GraphStore) -> None:
    b = scanned()
    b.data["controls"][0].pop("finding_policy")
    b.write_to(store)
    assert c1(store, day(0)) == "COVERED", "findings change nothing for a control without a policy"
    store.write(Bundle(controls=[scanned().bundle().controls[0]]))
    assert c1(store, day(0)) == "PARTIAL"


def test_gaps_ignore_findings_and_impact_and_engagements_see_them(store: GraphStore) -> None:
    b = scanned().engagement("audit", kind="type1", as_of=day(0), assets=["a2"])
    b.write_to(store)
    gaps = evidence_gaps(store, day(-50), day(-19))
    assert [i.is_gap for c in gaps.controls for i in c.intervals] == [False]
    # A change of a1 moves nothing: its finding holds the control back before and after.
    report = impact(store, ChangeRequest(asset_id="a1", at=day(0), propagate=False))
    assert [delta.changes for delta in report.frameworks] in ([], [[]])
    # Only a2 is on the audit's boundary: the finding on a1 is outside it.
    scoped = engagement_report(store, get_engagement(store, "audit"))
    assert [row.status for row in scoped.coverage.criteria] == [CoverageStatus.COVERED]
    assert scoped.missing_evidence.rows == []
    store.write(GraphBuilder().finding("f2", "a2", day(-60)).bundle())
    [row] = engagement_report(store, get_engagement(store, "audit")).missing_evidence.rows
    assert (row.asset_id, row.reason.value, row.finding_id, row.finding_age_days) == ("a2", "OPEN_FINDINGS", "f2", 60)


# -- the pure rule --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixed", "limit", "window"),
    [
        (None, 30, (30 * DAY_MICROS + 1, LATEST)),
        (40 * DAY_MICROS, 30, (30 * DAY_MICROS + 1, 40 * DAY_MICROS)),
        (30 * DAY_MICROS + 1, 30, None),  # fixed the instant it would have been overdue
        (None, None, None),  # no limit for its severity
        (None, 0, (1, LATEST)),  # a zero-day limit: overdue a microsecond after first seen
    ],
)
def test_overdue_window(fixed: int | None, limit: int | None, window: tuple[int, int] | None) -> None:
    found = overdue_window(0, fixed, limit, "k")
    assert (found[:2] if found else None) == window


def test_oldest_overdue_narrows_the_interval_to_the_window_edges_around_the_instant() -> None:
    early = (10, 50, 0, "b")  # overdue over [10, 50)
    late = (20, 30, 0, "a")  # same first_seen, lower id: the oldest while both are overdue
    future = (60, LATEST, 5, "c")
    assert oldest_overdue([early, late, future], 25, -(1 << 63), 1 << 63) == (late, 20, 30)
    assert oldest_overdue([early, late, future], 35, -(1 << 63), 1 << 63) == (early, 30, 50)
    assert oldest_overdue([early, late, future], 55, -(1 << 63), 1 << 63) == (None, 50, 60)
    assert age_days(day(0), day(1) - EPS) == 0 and age_days(day(0), day(1)) == 1
    assert to_micros(DUE) - to_micros(FIRST_SEEN) == 30 * DAY_MICROS
