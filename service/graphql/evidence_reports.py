"""GraphQL types of missing evidence now and of Type II period gaps."""

from __future__ import annotations

from typing import Any

import strawberry

from graph.queries import results as r
from service.graphql.enums import MissingReason
from service.graphql.loading import GqlInfo, load_node
from service.graphql.nodes import Asset, Control
from service.graphql.pagination import Connection, slice_connection
from service.graphql.scalars import DateTime


@strawberry.type
class MissingEvidenceRow:
    control_id: strawberry.ID
    asset_id: strawberry.ID | None
    reason: MissingReason
    since: DateTime | None

    @strawberry.field
    async def control(self, info: GqlInfo) -> Control | None:
        return await load_node(info, Control, self.control_id)

    @strawberry.field
    async def asset(self, info: GqlInfo) -> Asset | None:
        return await load_node(info, Asset, self.asset_id)


@strawberry.type
class ReasonCount:
    reason: MissingReason
    count: int


@strawberry.type
class MissingEvidenceReport:
    framework_id: strawberry.ID | None
    as_of: DateTime
    total_count: int
    by_reason: list[ReasonCount]
    found: strawberry.Private[list[r.MissingEvidenceRow]]

    @strawberry.field
    def rows(
        self, first: int | None = None, after: str | None = None, reason: MissingReason | None = None
    ) -> Connection[MissingEvidenceRow]:
        rows = [row for row in self.found if reason is None or row.reason is reason]
        return slice_connection(rows, first, after, _missing_row)

    @classmethod
    def of(cls, report: r.MissingEvidenceReport) -> MissingEvidenceReport:
        counts: dict[Any, int] = {}
        for row in report.rows:
            counts[row.reason] = counts.get(row.reason, 0) + 1
        return cls(
            framework_id=strawberry.ID(report.framework) if report.framework else None,
            as_of=report.as_of,
            total_count=len(report.rows),
            by_reason=[ReasonCount(reason=k, count=v) for k, v in sorted(counts.items())],
            found=report.rows,
        )


def _missing_row(row: r.MissingEvidenceRow) -> MissingEvidenceRow:
    return MissingEvidenceRow(
        control_id=strawberry.ID(row.control_id),
        asset_id=strawberry.ID(row.asset_id) if row.asset_id else None,
        reason=row.reason,
        since=row.since,
    )


@strawberry.type
class GapInterval:
    start: DateTime
    end: DateTime
    evidence_count: int
    is_gap: bool


@strawberry.type
class ControlPeriod:
    control_id: strawberry.ID
    frequency: str
    gaps: int
    intervals: list[GapInterval]

    @strawberry.field
    async def control(self, info: GqlInfo) -> Control | None:
        return await load_node(info, Control, self.control_id)


@strawberry.type
class EvidenceGapsReport:
    framework_id: strawberry.ID | None
    start: DateTime
    end: DateTime
    total_gaps: int
    periods: strawberry.Private[list[r.ControlPeriod]]

    @strawberry.field
    def controls(
        self, first: int | None = None, after: str | None = None, with_gaps_only: bool = False
    ) -> Connection[ControlPeriod]:
        periods = [p for p in self.periods if p.gaps or not with_gaps_only]
        return slice_connection(periods, first, after, _period)

    @classmethod
    def of(cls, report: r.EvidenceGapsReport) -> EvidenceGapsReport:
        return cls(
            framework_id=strawberry.ID(report.framework) if report.framework else None,
            start=report.start,
            end=report.end,
            total_gaps=sum(p.gaps for p in report.controls),
            periods=report.controls,
        )


def _period(p: r.ControlPeriod) -> ControlPeriod:
    return ControlPeriod(
        control_id=strawberry.ID(p.control_id),
        frequency=p.frequency,
        gaps=p.gaps,
        intervals=[
            GapInterval(start=i.start, end=i.end, evidence_count=i.evidence_count, is_gap=i.is_gap) for i in p.intervals
        ],
    )
