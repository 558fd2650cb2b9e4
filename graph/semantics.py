"""The rules of DESIGN.md ("Semantics") as pure functions over plain values.

Both stores and every query call these, so a rule is written once in Python; the Neo4j store
mirrors the evidence rules in Cypher and the differential tests hold the two to the same answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

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
    STALE = "STALE"
    EXPIRED = "EXPIRED"
    PENDING_REVIEW = "PENDING_REVIEW"
    REJECTED = "REJECTED"
    NEVER_COLLECTED = "NEVER_COLLECTED"


@dataclass
class EvidenceSummary:
    """What a set of in-scope evidence says at T, folded so each item is looked at once.

    Staleness of a set reduces to its newest valid item: some valid item is fresh for an asset
    exactly when the newest one is (`changed_at <= collected_at` or `changed_at > T`).
    """

    newest_valid_collected: datetime | None = None
    latest_accepted_end: datetime | None = None
    latest_pending: datetime | None = None
    latest_rejected: datetime | None = None

    def add(self, evidence: Evidence, frequency: Frequency, at: datetime) -> None:
        collected = evidence.collected_at
        if collected > at:
            return  # evidence collected after T does not exist as of T
        if evidence.status is EvidenceStatus.ACCEPTED:
            end = evidence_end(evidence, frequency)
            if at < end:
                self.newest_valid_collected = _later(self.newest_valid_collected, collected)
            else:
                self.latest_accepted_end = _later(self.latest_accepted_end, end)
        elif evidence.status is EvidenceStatus.PENDING:
            self.latest_pending = _later(self.latest_pending, collected)
        else:
            self.latest_rejected = _later(self.latest_rejected, collected)

    def merged(self, other: EvidenceSummary) -> EvidenceSummary:
        return EvidenceSummary(
            _later(self.newest_valid_collected, other.newest_valid_collected),
            _later(self.latest_accepted_end, other.latest_accepted_end),
            _later(self.latest_pending, other.latest_pending),
            _later(self.latest_rejected, other.latest_rejected),
        )

    def state(self, changed_at: datetime | None, at: datetime) -> tuple[EvidenceState, datetime | None]:
        """The first reason that holds, in DESIGN.md's order, and since when."""
        if self.newest_valid_collected is not None:
            if not is_stale(self.newest_valid_collected, changed_at, at):
                return EvidenceState.OK, None
            return EvidenceState.STALE, changed_at
        if self.latest_accepted_end is not None:
            return EvidenceState.EXPIRED, self.latest_accepted_end
        if self.latest_pending is not None:
            return EvidenceState.PENDING_REVIEW, self.latest_pending
        if self.latest_rejected is not None:
            return EvidenceState.REJECTED, self.latest_rejected
        return EvidenceState.NEVER_COLLECTED, None


def summarize(evidence: Iterable[Evidence], frequency: Frequency, at: datetime) -> EvidenceSummary:
    summary = EvidenceSummary()
    for item in evidence:
        summary.add(item, frequency, at)
    return summary


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


def direct_status(controls: Iterable[tuple[ControlStatus, bool]]) -> CoverageStatus:
    """Over (status, effective) of the satisfying controls, `not_applicable` ignored:
    UNCOVERED if none is implemented; COVERED if every implemented one is effective; else PARTIAL."""
    implemented = [effective for status, effective in controls if status is ControlStatus.IMPLEMENTED]
    if not implemented:
        return CoverageStatus.UNCOVERED
    return CoverageStatus.COVERED if all(implemented) else CoverageStatus.PARTIAL


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
