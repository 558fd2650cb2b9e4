"""The rules of DESIGN.md ("Semantics") as pure functions over plain values.

Both stores and every query call these, so a rule is written once in Python; the Neo4j store
mirrors the evidence rules in Cypher and the differential tests hold the two to the same answers.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from graph.model import (
    ControlStatus,
    CoverageStatus,
    Evidence,
    EvidenceStatus,
    Frequency,
    MappingRelationship,
)


def evidence_end(evidence: Evidence, frequency: Frequency) -> datetime:
    """`valid_until` if set, else `collected_at` plus the control's frequency interval."""
    if evidence.valid_until is not None:
        return evidence.valid_until
    return evidence.collected_at + frequency.interval


def is_valid(evidence: Evidence, frequency: Frequency, at: datetime) -> bool:
    """Valid at T: accepted and `collected_at <= T < end`."""
    return evidence.status is EvidenceStatus.ACCEPTED and evidence.collected_at <= at < evidence_end(
        evidence, frequency
    )


def is_stale(collected_at: datetime, changed_at: datetime | None, at: datetime) -> bool:
    """Stale at T for an asset whose `changed_at` satisfies `collected_at < changed_at <= T`."""
    return changed_at is not None and collected_at < changed_at <= at


class EvidenceState(StrEnum):
    """Where one (control, asset) pair stands at T; every state but OK is a missing-evidence reason."""

    OK = "OK"
    # An overdue scanner finding on the asset under the control's finding policy (graph/rules/findings.py).
    OPEN_FINDINGS = "OPEN_FINDINGS"
    STALE = "STALE"
    EXPIRED = "EXPIRED"
    PENDING_REVIEW = "PENDING_REVIEW"
    REJECTED = "REJECTED"
    NEVER_COLLECTED = "NEVER_COLLECTED"
    # A carved-out control's row for one vendor it relies on (DESIGN.md "Carved-out control").
    VENDOR_REPORT_EXPIRED = "VENDOR_REPORT_EXPIRED"
    VENDOR_REPORT_MISSING = "VENDOR_REPORT_MISSING"


def vendor_report_state(report_valid_until: datetime | None, at: datetime) -> EvidenceState:
    """Whether a vendor's report stands in for a carved-out control at T: valid while
    `report_valid_until > T` (a report expiring exactly at T no longer does)."""
    if report_valid_until is None:
        return EvidenceState.VENDOR_REPORT_MISSING
    return EvidenceState.OK if at < report_valid_until else EvidenceState.VENDOR_REPORT_EXPIRED


# -- the evidence fold -------------------------------------------------------------------------
#
# The one Python fold of a set of in-scope evidence into a state (the Neo4j store's Cypher in
# graph/stores/neo4j/reads.py mirrors it; the differential tests hold the two to one answer).
# It runs on the embedded store's hottest path, so instants are integer microseconds since the
# epoch (exact: datetimes carry µs) and items plain tuples: far cheaper to compare than
# datetimes and pydantic models.

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

NO_INSTANT = -(1 << 62)  # "no such item": below every representable datetime
EARLIEST, LATEST = -(1 << 63), 1 << 63  # the ends of an unbounded interval

ACCEPTED, PENDING, REJECTED = 0, 1, 2
STATUS_CODE = {
    EvidenceStatus.ACCEPTED: ACCEPTED,
    EvidenceStatus.PENDING: PENDING,
    EvidenceStatus.REJECTED: REJECTED,
}

# (collected_at, end, status code) of one evidence item.
EvidenceItem = tuple[int, int, int]
# The newest valid `collected_at`, the latest end of expired accepted items, the latest pending
# and the latest rejected `collected_at` (NO_INSTANT when there is none), and `[lo, hi)`.
Folded = tuple[int, int, int, int, int, int]


def to_micros(moment: datetime) -> int:
    """An aware datetime as exact integer microseconds since the epoch."""
    return (moment - _EPOCH) // _MICROSECOND


def from_micros(micros: int) -> datetime:
    return _EPOCH + timedelta(microseconds=micros)


def interval_micros(frequency: Frequency) -> int:
    """The frequency interval in microseconds (the `span` of `evidence_item`)."""
    return frequency.interval // _MICROSECOND


def evidence_item(evidence: Evidence, span: int) -> EvidenceItem:
    """`evidence` as an item, for a control whose frequency interval is `span` microseconds
    (`interval_micros`, computed once per control): its end is `evidence_end`."""
    collected = to_micros(evidence.collected_at)
    end = to_micros(evidence.valid_until) if evidence.valid_until is not None else collected + span
    return collected, end, STATUS_CODE[evidence.status]


def fold(
    items: Iterable[EvidenceItem],
    at: int,
    lo: int = EARLIEST,
    hi: int = LATEST,
    valid: int = NO_INSTANT,
    expired: int = NO_INSTANT,
    pending: int = NO_INSTANT,
    rejected: int = NO_INSTANT,
) -> Folded:
    """What `items` say at `at`, each item looked at once, folded on top of the four instants
    given (so a set of items can be folded in parts: unscoped items once, then each asset's own).

    Staleness of a set reduces to its newest valid item: some valid item is fresh for an asset
    exactly when the newest one is (`changed_at <= collected_at` or `changed_at > at`).

    `lo`/`hi` come back narrowed to the instants around `at` where any of the four would change
    (an item starts to exist, an accepted one stops being valid): the fold is the same for every
    instant in `[lo, hi)`.
    """
    for collected, end, status in items:
        if collected > at:  # does not exist as of `at`
            if collected < hi:
                hi = collected
            continue
        if collected > lo:
            lo = collected
        if status == ACCEPTED:
            if at < end:
                if end < hi:
                    hi = end
                if collected > valid:
                    valid = collected
            else:
                if end > lo:
                    lo = end
                if end > expired:
                    expired = end
        elif status == PENDING:
            if collected > pending:
                pending = collected
        elif collected > rejected:
            rejected = collected
    return valid, expired, pending, rejected, lo, hi


def evidence_state(
    valid: int, expired: int, pending: int, rejected: int, changed: int | None, at: int
) -> tuple[EvidenceState, int | None]:
    """The state of a folded set for an asset whose `changed_at` is `changed` (None: never
    changed): the first reason that holds, in DESIGN.md's order, and since when."""
    if valid != NO_INSTANT:
        if changed is None or not (valid < changed <= at):  # `is_stale`, inline: called per pair
            return EvidenceState.OK, None
        return EvidenceState.STALE, changed
    if expired != NO_INSTANT:
        return EvidenceState.EXPIRED, expired
    if pending != NO_INSTANT:
        return EvidenceState.PENDING_REVIEW, pending
    if rejected != NO_INSTANT:
        return EvidenceState.REJECTED, rejected
    return EvidenceState.NEVER_COLLECTED, None


def direct_status(controls: Iterable[tuple[ControlStatus, bool]]) -> CoverageStatus:
    """Over (status, effective) of the satisfying controls, `not_applicable` and `planned` ignored:
    UNCOVERED if none is implemented (or carved out); COVERED if every such one is effective;
    else PARTIAL."""
    implemented = [effective for status, effective in controls if status.counts_as_implemented]
    if not implemented:
        return CoverageStatus.UNCOVERED
    return CoverageStatus.COVERED if all(implemented) else CoverageStatus.PARTIAL


def all_carved_out(statuses: Iterable[ControlStatus]) -> bool:
    """A criterion is reported as carved out when every control counting as implemented is
    carved out (and there is at least one)."""
    counted = [s for s in statuses if s.counts_as_implemented]
    return bool(counted) and all(s is ControlStatus.CARVED_OUT for s in counted)


def crosswalk_candidate(relationship: MappingRelationship, neighbour: CoverageStatus) -> CoverageStatus:
    """Neighbour n "is `relationship`" the criterion: equal/superset pass n's status through;
    subset_of/intersects_with pass it capped at PARTIAL."""
    if relationship in (MappingRelationship.EQUAL, MappingRelationship.SUPERSET_OF):
        return neighbour
    return min(neighbour, CoverageStatus.PARTIAL, key=lambda s: s.rank)


def best_status(candidates: Iterable[CoverageStatus]) -> CoverageStatus:
    return max(candidates, key=lambda s: s.rank, default=CoverageStatus.UNCOVERED)


def rollup_status(leaves: Iterable[CoverageStatus]) -> CoverageStatus:
    """A parent is COVERED if all its leaves are, UNCOVERED if all are, else PARTIAL."""
    statuses = set(leaves)
    if statuses == {CoverageStatus.COVERED}:
        return CoverageStatus.COVERED
    if not statuses or statuses == {CoverageStatus.UNCOVERED}:
        return CoverageStatus.UNCOVERED
    return CoverageStatus.PARTIAL


def period_intervals(start: datetime, end: datetime, frequency: Frequency) -> list[tuple[datetime, datetime]]:
    """`[start + i·F, start + (i+1)·F)` for consecutive i, the last one cut at `end`."""
    intervals = []
    step = frequency.interval
    lower = start
    while lower < end:
        upper = min(lower + step, end)
        intervals.append((lower, upper))
        lower = upper
    return intervals


Instant = TypeVar("Instant", datetime, int)  # a datetime, or microseconds since the epoch


def interval_counts(instants: Sequence[Instant], intervals: Iterable[tuple[Instant, Instant]]) -> list[int]:
    """How many of the sorted `instants` fall in each `[lower, upper)`: two bisects per interval."""
    return [bisect_left(instants, upper) - bisect_left(instants, lower) for lower, upper in intervals]
