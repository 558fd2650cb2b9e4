"""Observation periods in Type II gaps: an item operates every interval its period overlaps."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from graph.errors import ConflictError
from graph.queries import evidence_gaps
from graph.store import GraphStore
from tests.graphs import EPS, T0, GraphBuilder, day


def observing(
    b: GraphBuilder, control: str, collected_at: datetime, start: datetime, end: datetime, eid: str, **extra: str
) -> GraphBuilder:
    """An accepted item of `control` collected at `collected_at` that observed `[start, end)`."""
    b.evidence(control, collected_at, eid=eid)
    b.data["evidence"][-1].update(period_start=start, period_end=end, **extra)
    return b


def counts(store: GraphStore, start: datetime, end: datetime, control: str = "c") -> list[int]:
    [found] = [c for c in evidence_gaps(store, start, end).controls if c.control_id == control]
    assert found.gaps == sum(1 for i in found.intervals if i.evidence_count == 0)
    return [i.evidence_count for i in found.intervals]


def test_a_period_operates_every_interval_it_spans(store: GraphStore) -> None:
    b = GraphBuilder().control("c", frequency="daily")
    observing(b, "c", day(10), day(1), day(4), "monitor").write_to(store)
    # Collected on day 10, outside the week asked about: its period still speaks for days 1-3.
    assert counts(store, day(0), day(7)) == [0, 1, 1, 1, 0, 0, 0]


def test_a_period_ending_exactly_at_an_interval_start_does_not_operate_it(store: GraphStore) -> None:
    b = GraphBuilder().control("c", frequency="daily")
    observing(b, "c", day(20), day(0), day(2), "monitor").write_to(store)
    assert counts(store, day(0), day(4)) == [1, 1, 0, 0]


@pytest.mark.parametrize("overlap", [EPS, timedelta(seconds=1)])
def test_a_period_overlapping_an_interval_by_a_moment_operates_it(store: GraphStore, overlap: timedelta) -> None:
    b = GraphBuilder().control("c", frequency="daily")
    observing(b, "c", day(20), day(0), day(2) + overlap, "late-end")
    observing(b, "c", day(20), day(4) - overlap, day(6), "early-start").write_to(store)
    assert counts(store, day(0), day(7)) == [1, 1, 1, 1, 1, 1, 0]


def test_a_period_starting_exactly_at_an_interval_end_does_not_operate_it(store: GraphStore) -> None:
    b = GraphBuilder().control("c", frequency="daily")
    observing(b, "c", day(20), day(2), day(3), "monitor").write_to(store)
    assert counts(store, day(0), day(4)) == [0, 0, 1, 0]


def test_a_period_outside_the_asked_period_counts_for_nothing(store: GraphStore) -> None:
    b = GraphBuilder().control("c", frequency="daily")
    observing(b, "c", day(20), day(-5), day(0), "before")
    observing(b, "c", day(20), day(3), day(9), "after").write_to(store)
    assert counts(store, day(0), day(3)) == [0, 0, 0]


def test_an_item_collected_inside_its_own_period_counts_once(store: GraphStore) -> None:
    b = GraphBuilder().control("c", frequency="weekly")
    observing(b, "c", day(3), day(0), day(3), "monitor").write_to(store)
    assert counts(store, day(0), day(14)) == [1, 0]


def test_periods_of_several_items_add_up(store: GraphStore) -> None:
    b = GraphBuilder().control("c", frequency="daily")
    observing(b, "c", day(20), day(0), day(3), "first")
    observing(b, "c", day(20), day(2), day(4), "second").write_to(store)
    assert counts(store, day(0), day(5)) == [1, 1, 2, 1, 0]


def test_the_cut_last_interval_is_operated_by_a_period_reaching_it(store: GraphStore) -> None:
    b = GraphBuilder().control("c", frequency="weekly")
    observing(b, "c", day(30), day(14) + EPS, day(20), "monitor").write_to(store)
    assert counts(store, day(0), day(16)) == [0, 0, 1]


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_a_period_of_evidence_not_accepted_counts_for_nothing(store: GraphStore, status: str) -> None:
    b = GraphBuilder().control("c", frequency="daily")
    observing(b, "c", day(20), day(0), day(3), "monitor", status=status).write_to(store)
    assert counts(store, day(0), day(3)) == [0, 0, 0]


def test_a_superseded_item_counts_for_nothing_neither_collected_nor_observed(store: GraphStore) -> None:
    b = GraphBuilder().control("c", frequency="daily")
    observing(b, "c", day(1), day(0), day(1), "old")
    observing(b, "c", day(20), day(2), day(3), "correction", supersedes="old").write_to(store)
    # The old item was collected on day 1 and observed day 0; its correction observed day 2 only.
    assert counts(store, day(0), day(4)) == [0, 0, 1, 0]


def test_a_period_of_another_control_does_not_count(store: GraphStore) -> None:
    b = GraphBuilder().control("c", frequency="daily").control("other", frequency="daily")
    observing(b, "other", day(20), day(0), day(3), "monitor").write_to(store)
    assert counts(store, day(0), day(3)) == [0, 0, 0]
    assert counts(store, day(0), day(3), "other") == [1, 1, 1]


@pytest.mark.parametrize("status", ["planned", "not_applicable"])
def test_controls_not_implemented_have_no_gaps_whatever_they_observed(store: GraphStore, status: str) -> None:
    b = GraphBuilder().control("c", frequency="daily", status=status)
    observing(b, "c", day(20), day(0), day(3), "monitor").write_to(store)
    assert [c.control_id for c in evidence_gaps(store, day(0), day(3)).controls] == []


def test_a_year_of_monitoring_with_one_outage_leaves_only_the_outage(store: GraphStore) -> None:
    start = T0 - timedelta(days=365)
    b = GraphBuilder().control("c", frequency="continuous")
    observing(b, "c", day(-150), start, day(-202), "before-outage")
    observing(b, "c", T0, day(-199), T0, "after-outage").write_to(store)
    found = counts(store, start, T0)
    assert len(found) == 365
    assert [i for i, n in enumerate(found) if n == 0] == [163, 164, 165]


def test_a_recorded_observation_period_cannot_be_changed_and_the_refusal_changes_nothing(store: GraphStore) -> None:
    b = GraphBuilder().control("c", frequency="daily")
    observing(b, "c", day(20), day(0), day(3), "monitor").write_to(store)
    longer = GraphBuilder()
    observing(longer, "c", day(20), day(0), day(5), "monitor")
    with pytest.raises(ConflictError) as error:
        store.write(longer.bundle(), immutable_evidence=True)
    assert str(error.value).startswith("evidence[0].period_end:")
    assert counts(store, day(0), day(5)) == [1, 1, 1, 0, 0]
