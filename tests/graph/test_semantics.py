"""The pure rules of DESIGN.md ("Semantics") in graph.rules.evaluation, checked at their edges."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.model import (
    Asset,
    ControlStatus,
    CoverageStatus,
    Evidence,
    Frequency,
    MappingRelationship,
)
from graph.rules.evaluation import (
    EARLIEST,
    LATEST,
    EvidenceItem,
    EvidenceState,
    best_status,
    crosswalk_candidate,
    direct_status,
    evidence_end,
    evidence_item,
    evidence_state,
    fold,
    from_micros,
    interval_micros,
    is_stale,
    is_valid,
    period_intervals,
    rollup_status,
    to_micros,
)
from tests.graphs import EPS, T0, day

COVERED, PARTIAL, UNCOVERED = CoverageStatus.COVERED, CoverageStatus.PARTIAL, CoverageStatus.UNCOVERED
IMPLEMENTED, PLANNED, NOT_APPLICABLE = ControlStatus.IMPLEMENTED, ControlStatus.PLANNED, ControlStatus.NOT_APPLICABLE
EQUAL = MappingRelationship.EQUAL
SUBSET_OF = MappingRelationship.SUBSET_OF
SUPERSET_OF = MappingRelationship.SUPERSET_OF
INTERSECTS_WITH = MappingRelationship.INTERSECTS_WITH

FREQUENCY_DAYS = [
    ("continuous", 1),
    ("daily", 1),
    ("weekly", 7),
    ("monthly", 31),
    ("quarterly", 92),
    ("semiannual", 183),
    ("annual", 366),
]


def ev(
    collected_at: datetime, status: str = "accepted", valid_until: datetime | None = None, eid: str = "e"
) -> Evidence:
    return Evidence(id=eid, title=eid, control="c", collected_at=collected_at, status=status, valid_until=valid_until)


# -- validity window ----------------------------------------------------------------------


@pytest.mark.parametrize(("frequency", "days"), FREQUENCY_DAYS)
def test_frequency_interval_lengths(frequency: str, days: int) -> None:
    assert Frequency(frequency).interval == timedelta(days=days)


@pytest.mark.parametrize(("frequency", "days"), FREQUENCY_DAYS)
def test_end_without_valid_until_is_collected_at_plus_frequency_interval(frequency: str, days: int) -> None:
    assert evidence_end(ev(day(3)), Frequency(frequency)) == day(3 + days)


@pytest.mark.parametrize(("frequency", "days"), FREQUENCY_DAYS)
def test_valid_just_before_end_and_not_at_end(frequency: str, days: int) -> None:
    f = Frequency(frequency)
    assert is_valid(ev(T0), f, day(days) - EPS)
    assert not is_valid(ev(T0), f, day(days))


@pytest.mark.parametrize("valid_until_day", [2, 10, 400], ids=["shorter", "same-ish", "longer"])
def test_valid_until_overrides_the_frequency_interval(valid_until_day: int) -> None:
    evidence = ev(T0, valid_until=day(valid_until_day))
    assert evidence_end(evidence, Frequency.MONTHLY) == day(valid_until_day)
    assert is_valid(evidence, Frequency.MONTHLY, day(valid_until_day) - EPS)
    assert not is_valid(evidence, Frequency.MONTHLY, day(valid_until_day))


def test_valid_until_shorter_than_frequency_ends_validity_early() -> None:
    evidence = ev(T0, valid_until=day(2))
    assert not is_valid(evidence, Frequency.ANNUAL, day(3))  # the annual interval would still run


def test_valid_until_longer_than_frequency_extends_validity() -> None:
    evidence = ev(T0, valid_until=day(40))
    assert is_valid(evidence, Frequency.DAILY, day(39))  # the daily interval alone ended at day 1


def test_valid_exactly_at_collected_at() -> None:
    assert is_valid(ev(T0), Frequency.DAILY, T0)


def test_not_valid_before_collected_at() -> None:
    assert not is_valid(ev(T0), Frequency.ANNUAL, T0 - EPS)


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_pending_and_rejected_are_never_valid(status: str) -> None:
    evidence = ev(T0, status=status, valid_until=day(100))
    assert not any(is_valid(evidence, Frequency.ANNUAL, t) for t in (T0, day(1), day(50), day(99)))


def test_validity_compares_utc_instants() -> None:
    plus_two = timezone(timedelta(hours=2))
    evidence = ev(datetime(2026, 6, 1, 2, 0, tzinfo=plus_two))  # == T0 in UTC
    assert evidence.collected_at == T0
    assert evidence.collected_at.utcoffset() == timedelta(0)
    assert is_valid(evidence, Frequency.DAILY, T0)
    assert not is_valid(evidence, Frequency.DAILY, T0 - EPS)


# -- staleness ----------------------------------------------------------------------------


def test_never_changed_is_never_stale() -> None:
    assert not is_stale(T0, None, day(100))


def test_change_at_collected_at_is_not_stale() -> None:
    assert not is_stale(T0, T0, day(1))


def test_change_just_after_collected_at_is_stale() -> None:
    assert is_stale(T0, T0 + EPS, day(1))


def test_change_exactly_at_t_is_stale() -> None:
    assert is_stale(T0, day(1), day(1))


def test_change_after_t_is_not_stale_yet() -> None:
    assert not is_stale(T0, day(1) + EPS, day(1))


def test_change_before_collection_is_not_stale() -> None:
    assert not is_stale(day(2), day(1), day(3))


def test_asset_changed_at_is_kept_in_utc() -> None:
    nine_hours_east = timezone(timedelta(hours=9))
    asset = Asset(id="a", kind="model", name="a", changed_at=datetime(2026, 6, 1, 9, tzinfo=nine_hours_east))
    assert asset.changed_at == T0
    assert asset.changed_at is not None and asset.changed_at.utcoffset() == timedelta(0)


# -- folding a set of evidence into one state (missing-evidence reasons) ---------------------


def items_of(evidence: list[Evidence], frequency: Frequency) -> list[EvidenceItem]:
    return [evidence_item(e, interval_micros(frequency)) for e in evidence]


def state_at(
    evidence: list[Evidence], frequency: Frequency, at: datetime, changed: datetime | None = None
) -> tuple[EvidenceState, datetime | None]:
    """The state of one (control, asset) pair at `at`, through the fold the embedded index uses."""
    valid, expired, pending, rejected, _lo, _hi = fold(items_of(evidence, frequency), to_micros(at))
    state, since = evidence_state(
        valid, expired, pending, rejected, None if changed is None else to_micros(changed), to_micros(at)
    )
    return state, None if since is None else from_micros(since)


def test_no_evidence_is_never_collected() -> None:
    assert state_at([], Frequency.MONTHLY, T0) == (EvidenceState.NEVER_COLLECTED, None)


def test_valid_fresh_evidence_is_ok() -> None:
    assert state_at([ev(T0)], Frequency.MONTHLY, day(1)) == (EvidenceState.OK, None)


def test_stale_wins_over_every_other_reason_and_since_is_changed_at() -> None:
    items = [
        ev(day(0), eid="valid"),
        ev(day(-100), eid="expired"),
        ev(day(1), status="pending", eid="pending"),
        ev(day(1), status="rejected", eid="rejected"),
    ]
    assert state_at(items, Frequency.MONTHLY, day(5), changed=day(2)) == (EvidenceState.STALE, day(2))


def test_expired_wins_over_pending_and_rejected_and_since_is_latest_end() -> None:
    items = [
        ev(day(-100), eid="old"),
        ev(day(-60), valid_until=day(-10), eid="newest-end"),
        ev(day(-40), eid="ended-day-minus-9"),  # monthly: end = day(-9)
        ev(day(1), status="pending", eid="pending"),
        ev(day(1), status="rejected", eid="rejected"),
    ]
    assert state_at(items, Frequency.MONTHLY, day(5)) == (EvidenceState.EXPIRED, day(-9))


def test_pending_wins_over_rejected_and_since_is_latest_pending_collection() -> None:
    items = [ev(day(1), status="pending"), ev(day(2), status="pending"), ev(day(3), status="rejected")]
    assert state_at(items, Frequency.MONTHLY, day(5)) == (EvidenceState.PENDING_REVIEW, day(2))


def test_rejected_alone() -> None:
    items = [ev(day(1), status="rejected"), ev(day(3), status="rejected")]
    assert state_at(items, Frequency.MONTHLY, day(5)) == (EvidenceState.REJECTED, day(3))


@pytest.mark.parametrize("status", ["accepted", "pending", "rejected"])
def test_evidence_collected_after_t_does_not_exist_as_of_t(status: str) -> None:
    assert state_at([ev(day(5) + EPS, status=status)], Frequency.MONTHLY, day(5)) == (
        EvidenceState.NEVER_COLLECTED,
        None,
    )


def test_newer_fresh_evidence_after_a_change_is_ok() -> None:
    items = [ev(day(0), eid="before-change"), ev(day(6), eid="after-change")]
    assert state_at(items, Frequency.MONTHLY, day(7), changed=day(5)) == (EvidenceState.OK, None)
    # ...but as of a time before the fresh item existed, the old one is stale.
    assert state_at(items, Frequency.MONTHLY, day(5.5), changed=day(5)) == (EvidenceState.STALE, day(5))


def test_folding_in_parts_keeps_the_latest_of_each() -> None:
    """Unscoped items folded once, then an asset's own on top: as if folded together."""
    at = to_micros(day(0))
    old, recent = items_of([ev(day(-100))], Frequency.MONTHLY), items_of([ev(day(-1))], Frequency.MONTHLY)
    assert evidence_state(*fold(old, at)[:4], None, at)[0] is EvidenceState.EXPIRED
    for first, second in ((old, recent), (recent, old)):
        valid, expired, pending, rejected, lo, hi = fold(first, at)
        assert fold(second, at, lo, hi, valid, expired, pending, rejected) == fold(first + second, at)
        assert evidence_state(*fold(second, at, lo, hi, valid, expired, pending, rejected)[:4], None, at) == (
            EvidenceState.OK,
            None,
        )


# Random evidence sets on a small grid of days, so that instants often coincide (the edges).
DAYS = st.integers(min_value=-40, max_value=40)
EVIDENCE_SETS = st.lists(
    st.builds(
        lambda collected, status, valid_until: ev(
            day(collected), status=status, valid_until=None if valid_until is None else day(collected + valid_until)
        ),
        DAYS,
        st.sampled_from(["accepted", "pending", "rejected"]),
        st.none() | st.integers(min_value=1, max_value=40),  # valid_until is after collected_at
    ),
    max_size=6,
)


def reference_state(
    evidence: list[Evidence], frequency: Frequency, at: datetime, changed: datetime | None
) -> tuple[EvidenceState, datetime | None]:
    """DESIGN.md's missing-evidence reasons read literally, over the datetime predicates: the
    first reason that holds, and since when."""
    existing = [e for e in evidence if e.collected_at <= at]
    valid = [e for e in existing if is_valid(e, frequency, at)]
    if valid:
        if any(not is_stale(e.collected_at, changed, at) for e in valid):
            return EvidenceState.OK, None
        return EvidenceState.STALE, changed
    accepted = [evidence_end(e, frequency) for e in existing if e.status == "accepted"]
    if accepted:
        return EvidenceState.EXPIRED, max(accepted)
    for status, state in (("pending", EvidenceState.PENDING_REVIEW), ("rejected", EvidenceState.REJECTED)):
        times = [e.collected_at for e in existing if e.status == status]
        if times:
            return state, max(times)
    return EvidenceState.NEVER_COLLECTED, None


@settings(max_examples=300)
@given(
    evidence=EVIDENCE_SETS,
    frequency=st.sampled_from([Frequency.DAILY, Frequency.WEEKLY, Frequency.MONTHLY]),
    at=DAYS,
    data=st.data(),
)
def test_the_fold_answers_as_the_rules_read_literally(
    evidence: list[Evidence], frequency: Frequency, at: int, data: st.DataObject
) -> None:
    # A change often falls exactly on an item's collected_at or on T: the edges of staleness.
    edges = [e.collected_at for e in evidence] + [day(at)]
    changed_at = data.draw(st.none() | DAYS.map(day) | st.sampled_from(edges), label="changed_at")
    assert state_at(evidence, frequency, day(at), changed_at) == reference_state(
        evidence, frequency, day(at), changed_at
    )


@settings(max_examples=300)
@given(
    evidence=EVIDENCE_SETS,
    frequency=st.sampled_from([Frequency.DAILY, Frequency.WEEKLY, Frequency.MONTHLY]),
    at=DAYS,
    split=st.integers(min_value=0, max_value=6),
)
def test_the_fold_is_the_same_across_its_interval_and_in_parts(
    evidence: list[Evidence], frequency: Frequency, at: int, split: int
) -> None:
    """Every instant in the `[lo, hi)` the fold returns (its ends and the item instants inside)
    folds to the same four instants; folding the items in two parts gives the fold of all."""
    items = items_of(evidence, frequency)
    moment = to_micros(day(at))
    *folded, lo, hi = fold(items, moment)
    inside = {lo, hi - 1, *(t for c, e, _ in items for t in (c, c - 1, e, e - 1) if lo <= t < hi)}
    for t in inside - {EARLIEST, LATEST - 1}:
        assert fold(items, t)[:4] == tuple(folded), t
    valid, expired, pending, rejected, part_lo, part_hi = fold(items[:split], moment)
    assert fold(items[split:], moment, part_lo, part_hi, valid, expired, pending, rejected) == fold(items, moment)


# -- criterion status ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("controls", "expected"),
    [
        ([], UNCOVERED),
        ([(PLANNED, False)], UNCOVERED),
        ([(NOT_APPLICABLE, False)], UNCOVERED),
        ([(PLANNED, False), (NOT_APPLICABLE, False)], UNCOVERED),
        ([(IMPLEMENTED, True)], COVERED),
        ([(IMPLEMENTED, True), (IMPLEMENTED, True)], COVERED),
        ([(IMPLEMENTED, True), (NOT_APPLICABLE, False)], COVERED),
        ([(IMPLEMENTED, True), (PLANNED, False)], COVERED),
        ([(IMPLEMENTED, False)], PARTIAL),
        ([(IMPLEMENTED, True), (IMPLEMENTED, False)], PARTIAL),
        ([(IMPLEMENTED, False), (IMPLEMENTED, False), (PLANNED, False)], PARTIAL),
    ],
    ids=[
        "no-control",
        "planned-only",
        "not-applicable-only",
        "planned-and-not-applicable",
        "one-effective",
        "two-effective",
        "effective-and-not-applicable",
        "effective-and-planned",
        "one-ineffective",
        "effective-and-ineffective",
        "ineffective-only",
    ],
)
def test_direct_status(controls: list[tuple[ControlStatus, bool]], expected: CoverageStatus) -> None:
    assert direct_status(controls) is expected


@pytest.mark.parametrize(
    ("relationship", "neighbour", "expected"),
    [
        (EQUAL, COVERED, COVERED),
        (EQUAL, PARTIAL, PARTIAL),
        (EQUAL, UNCOVERED, UNCOVERED),
        (SUPERSET_OF, COVERED, COVERED),
        (SUPERSET_OF, PARTIAL, PARTIAL),
        (SUPERSET_OF, UNCOVERED, UNCOVERED),
        (SUBSET_OF, COVERED, PARTIAL),
        (SUBSET_OF, PARTIAL, PARTIAL),
        (SUBSET_OF, UNCOVERED, UNCOVERED),
        (INTERSECTS_WITH, COVERED, PARTIAL),
        (INTERSECTS_WITH, PARTIAL, PARTIAL),
        (INTERSECTS_WITH, UNCOVERED, UNCOVERED),
    ],
)
def test_crosswalk_candidate(
    relationship: MappingRelationship, neighbour: CoverageStatus, expected: CoverageStatus
) -> None:
    assert crosswalk_candidate(relationship, neighbour) is expected


def test_mapping_inversion() -> None:
    assert SUBSET_OF.inverted() is SUPERSET_OF
    assert SUPERSET_OF.inverted() is SUBSET_OF
    assert EQUAL.inverted() is EQUAL
    assert INTERSECTS_WITH.inverted() is INTERSECTS_WITH


def test_status_order() -> None:
    assert UNCOVERED.rank < PARTIAL.rank < COVERED.rank


def test_best_candidate_wins_and_none_is_uncovered() -> None:
    assert best_status([]) is UNCOVERED
    assert best_status([UNCOVERED, PARTIAL]) is PARTIAL
    assert best_status([PARTIAL, COVERED, UNCOVERED]) is COVERED


@pytest.mark.parametrize(
    ("leaves", "expected"),
    [
        ([COVERED], COVERED),
        ([COVERED, COVERED], COVERED),
        ([UNCOVERED, UNCOVERED], UNCOVERED),
        ([COVERED, UNCOVERED], PARTIAL),
        ([PARTIAL, PARTIAL], PARTIAL),
        ([COVERED, PARTIAL], PARTIAL),
        ([UNCOVERED, PARTIAL], PARTIAL),
        ([], UNCOVERED),
    ],
)
def test_rollup_status(leaves: list[CoverageStatus], expected: CoverageStatus) -> None:
    assert rollup_status(leaves) is expected


# -- Type II intervals --------------------------------------------------------------------


def test_period_intervals_are_consecutive_and_last_is_cut_at_end() -> None:
    assert period_intervals(day(0), day(17), Frequency.WEEKLY) == [
        (day(0), day(7)),
        (day(7), day(14)),
        (day(14), day(17)),
    ]


def test_period_intervals_dividing_exactly_have_no_stub() -> None:
    assert period_intervals(day(0), day(14), Frequency.WEEKLY) == [(day(0), day(7)), (day(7), day(14))]


def test_period_shorter_than_one_interval_is_one_cut_interval() -> None:
    assert period_intervals(day(0), day(2), Frequency.ANNUAL) == [(day(0), day(2))]


@pytest.mark.parametrize(("frequency", "days"), FREQUENCY_DAYS)
def test_period_interval_length_follows_frequency(frequency: str, days: int) -> None:
    intervals = period_intervals(day(0), day(days * 3), Frequency(frequency))
    assert intervals == [(day(i * days), day((i + 1) * days)) for i in range(3)]


def test_empty_or_backward_period_has_no_interval() -> None:
    assert period_intervals(day(1), day(1), Frequency.DAILY) == []
    assert period_intervals(day(2), day(1), Frequency.DAILY) == []
