"""GraphQL types of missing evidence now and of Type II period gaps, derived from graph/queries/results.py."""

from __future__ import annotations

from collections import Counter

import strawberry

from graph.queries import results as r
from service.graphql.enums import MissingReason
from service.graphql.loading import GqlInfo, load_node
from service.graphql.model_types import convert, object_type
from service.graphql.nodes import Asset, Control, Vendor
from service.graphql.pagination import Connection, slice_connection


@object_type(r.MissingEvidenceRow, ids=("control_id", "asset_id", "vendor_id", "finding_id"), keep_as="row")
class MissingEvidenceRow:
    row: strawberry.Private[r.MissingEvidenceRow]

    @strawberry.field
    async def control(self, info: GqlInfo) -> Control | None:
        return await load_node(info, Control, self.row.control_id)

    @strawberry.field
    async def asset(self, info: GqlInfo) -> Asset | None:
        return await load_node(info, Asset, self.row.asset_id)

    @strawberry.field
    async def vendor(self, info: GqlInfo) -> Vendor | None:
        return await load_node(info, Vendor, self.row.vendor_id)


@strawberry.type
class ReasonCount:
    reason: MissingReason
    count: int


@object_type(r.MissingEvidenceReport, ids=("framework",), names={"framework": "framework_id"}, keep_as="report")
class MissingEvidenceReport:
    total_count: int
    by_reason: list[ReasonCount]
    report: strawberry.Private[r.MissingEvidenceReport]

    @strawberry.field
    def rows(
        self, first: int | None = None, after: str | None = None, reason: MissingReason | None = None
    ) -> Connection[MissingEvidenceRow]:
        rows = [row for row in self.report.rows if reason is None or row.reason is reason]
        return slice_connection(rows, first, after, lambda row: convert(MissingEvidenceRow, row))

    @classmethod
    def of(cls, report: r.MissingEvidenceReport) -> MissingEvidenceReport:
        counts = Counter(row.reason for row in report.rows)
        return convert(
            cls,
            report,
            framework_id=report.framework or None,
            total_count=len(report.rows),
            by_reason=[ReasonCount(reason=k, count=v) for k, v in sorted(counts.items())],
        )


@object_type(r.GapInterval)
class GapInterval:
    is_gap: bool  # a property of the result


@object_type(r.ControlPeriod, ids=("control_id",), keep_as="row")
class ControlPeriod:
    row: strawberry.Private[r.ControlPeriod]

    @strawberry.field
    async def control(self, info: GqlInfo) -> Control | None:
        return await load_node(info, Control, self.row.control_id)

    @strawberry.field(description="How many intervals the period expects: a summary without the intervals' list.")
    def interval_count(self) -> int:
        return len(self.row.intervals)


@object_type(r.EvidenceGapsReport, ids=("framework",), names={"framework": "framework_id"}, keep_as="report")
class EvidenceGapsReport:
    total_gaps: int
    report: strawberry.Private[r.EvidenceGapsReport]

    @strawberry.field(
        description="Each control's intervals, in control order; `controlIds` keeps only those controls "
        "(a dashboard asks for the intervals of one group of controls at a time)."
    )
    def controls(
        self,
        first: int | None = None,
        after: str | None = None,
        with_gaps_only: bool = False,
        control_ids: list[strawberry.ID] | None = None,
    ) -> Connection[ControlPeriod]:
        wanted = None if control_ids is None else set(control_ids)
        periods = [
            p
            for p in self.report.controls
            if (p.gaps or not with_gaps_only) and (wanted is None or p.control_id in wanted)
        ]
        return slice_connection(periods, first, after, lambda period: convert(ControlPeriod, period))

    @classmethod
    def of(cls, report: r.EvidenceGapsReport) -> EvidenceGapsReport:
        return convert(
            cls, report, framework_id=report.framework or None, total_gaps=sum(p.gaps for p in report.controls)
        )
