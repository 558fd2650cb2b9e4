"""evidenceGaps(framework, start, end): Type II intervals with no accepted evidence."""

from __future__ import annotations

from datetime import timedelta

import pytest

from graph.errors import InvalidInputError, NotFoundError
from graph.queries import evidence_gaps
from graph.queries.evidence_gaps import MAX_PERIOD_DAYS
from graph.queries.results import ControlPeriod, EvidenceGapsReport
from graph.store import GraphStore
from tests.graphs import EPS, T0, GraphBuilder, day


def period(report: EvidenceGapsReport, control: str) -> ControlPeriod:
    [found] = [c for c in report.controls if c.control_id == control]
    return found


def counts(report: EvidenceGapsReport, control: str = "c") -> list[tuple[float, float, int]]:
    """(start day, end day, evidence count) of each interval."""
    return [
        ((i.start - T0) / timedelta(days=1), (i.end - T0) / timedelta(days=1), i.evidence_count)
        for i in period(report, control).intervals
    ]


def test_intervals_are_consecutive_and_the_last_is_cut_at_end(store: GraphStore) -> None:
    GraphBuilder().control("c", frequency="weekly").write_to(store)
    assert counts(evidence_gaps(store, day(0), day(17))) == [(0, 7, 0), (7, 14, 0), (14, 17, 0)]


@pytest.mark.parametrize(
    ("frequency", "days"),
    [
        ("continuous", 1),
        ("daily", 1),
        ("weekly", 7),
        ("monthly", 31),
        ("quarterly", 92),
        ("semiannual", 183),
        ("annual", 366),
    ],
)
def test_interval_length_is_the_frequency(store: GraphStore, frequency: str, days: int) -> None:
    GraphBuilder().control("c", frequency=frequency).write_to(store)
    report = evidence_gaps(store, day(0), day(2 * days))
    assert counts(report) == [(0, days, 0), (days, 2 * days, 0)]
    assert period(report, "c").frequency == frequency


def test_evidence_at_an_interval_start_counts_for_it_and_at_its_end_for_the_next(store: GraphStore) -> None:
    (
        GraphBuilder()
        .control("c", frequency="weekly")
        .evidence("c", day(0), eid="at-start")
        .evidence("c", day(7), eid="at-end-of-first")
        .evidence("c", day(14) - EPS, eid="just-before-end-of-second")
        .write_to(store)
    )
    report = evidence_gaps(store, day(0), day(21))
    assert counts(report) == [(0, 7, 1), (7, 14, 2), (14, 21, 0)]
    assert period(report, "c").gaps == 1
    assert [i.is_gap for i in period(report, "c").intervals] == [False, False, True]


def test_evidence_outside_the_period_does_not_count(store: GraphStore) -> None:
    (
        GraphBuilder()
        .control("c", frequency="weekly")
        .evidence("c", day(0) - EPS, eid="just-before-start")
        .evidence("c", day(14), eid="exactly-at-end")
        .write_to(store)
    )
    report = evidence_gaps(store, day(0), day(14))
    assert counts(report) == [(0, 7, 0), (7, 14, 0)]
    assert period(report, "c").gaps == 2


def test_evidence_in_the_cut_last_interval_counts(store: GraphStore) -> None:
    GraphBuilder().control("c", frequency="weekly").evidence("c", day(15)).write_to(store)
    assert counts(evidence_gaps(store, day(0), day(17))) == [(0, 7, 0), (7, 14, 0), (14, 17, 1)]


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_pending_and_rejected_evidence_do_not_fill_a_gap(store: GraphStore, status: str) -> None:
    GraphBuilder().control("c", frequency="weekly").evidence("c", day(1), status=status).write_to(store)
    report = evidence_gaps(store, day(0), day(7))
    assert counts(report) == [(0, 7, 0)]
    assert period(report, "c").gaps == 1


def test_accepted_evidence_fills_whatever_its_scope(store: GraphStore) -> None:
    b = GraphBuilder().asset("a").asset("b").control("c", frequency="weekly", applies_to=["a", "b"])
    b.evidence("c", day(1), covers=["a"]).write_to(store)
    assert period(evidence_gaps(store, day(0), day(7)), "c").gaps == 0


def test_a_period_not_aligned_to_t0(store: GraphStore) -> None:
    GraphBuilder().control("c", frequency="daily").evidence("c", day(0.5)).write_to(store)
    report = evidence_gaps(store, day(0.25), day(2))
    assert counts(report) == [(0.25, 1.25, 1), (1.25, 2, 0)]


@pytest.mark.parametrize("end_day", [0, -1])
def test_end_not_after_start_is_invalid(store: GraphStore, end_day: int) -> None:
    GraphBuilder().control("c").write_to(store)
    with pytest.raises(InvalidInputError) as error:
        evidence_gaps(store, day(0), day(end_day))
    assert [p.field for p in error.value.problems] == ["end"]


def test_a_period_one_microsecond_long_has_one_interval(store: GraphStore) -> None:
    GraphBuilder().control("c", frequency="annual").evidence("c", T0).write_to(store)
    report = evidence_gaps(store, T0, T0 + EPS)
    assert [(i.start, i.end, i.evidence_count) for i in period(report, "c").intervals] == [(T0, T0 + EPS, 1)]


def test_a_very_long_period_is_refused(store: GraphStore) -> None:
    GraphBuilder().control("c", frequency="annual").write_to(store)
    assert len(period(evidence_gaps(store, day(0), day(MAX_PERIOD_DAYS)), "c").intervals) == 3
    with pytest.raises(InvalidInputError) as error:
        evidence_gaps(store, day(0), day(MAX_PERIOD_DAYS + 1))
    assert [p.field for p in error.value.problems] == ["end"]


@pytest.mark.parametrize("status", ["planned", "not_applicable"])
def test_controls_not_implemented_are_excluded(store: GraphStore, status: str) -> None:
    GraphBuilder().control("c", status=status).control("d").write_to(store)
    assert [c.control_id for c in evidence_gaps(store, day(0), day(7)).controls] == ["d"]


def test_every_implemented_control_in_natural_order_without_framework(store: GraphStore) -> None:
    b = GraphBuilder()
    for cid in ("c10", "c2", "c1"):
        b.control(cid)
    b.write_to(store)
    report = evidence_gaps(store, day(0), day(7))
    assert [c.control_id for c in report.controls] == ["c1", "c2", "c10"]
    assert (report.framework, report.start, report.end) == (None, day(0), day(7))


def test_framework_filter_follows_the_crosswalk_rule(store: GraphStore) -> None:
    b = GraphBuilder().framework("a").framework("b")
    b.criterion("1", fw="a").criterion("2", fw="a").criterion("1", fw="b").criterion("2", fw="b")
    b.control("c-a1", satisfies=["a:1"]).control("c-b1", satisfies=["b:1"]).control("c-b2", satisfies=["b:2"])
    b.control("c-planned", status="planned", satisfies=["a:1"])
    b.maps("a:2", "b:1", "intersects_with").write_to(store)
    report = evidence_gaps(store, day(0), day(7), "a")
    assert report.framework == "a"
    assert [c.control_id for c in report.controls] == ["c-a1", "c-b1"]


def test_unknown_framework_is_not_found(store: GraphStore) -> None:
    GraphBuilder().control("c").write_to(store)
    with pytest.raises(NotFoundError) as error:
        evidence_gaps(store, day(0), day(7), "nope")
    assert (error.value.node_id, error.value.field) == ("nope", "framework")


def test_evidence_of_another_control_does_not_count(store: GraphStore) -> None:
    GraphBuilder().control("c", frequency="weekly").control("d").evidence("d", day(1)).write_to(store)
    report = evidence_gaps(store, day(0), day(7))
    assert period(report, "c").gaps == 1
    assert period(report, "d").gaps == 0
