"""GraphQL types of the query results; thin wrappers over graph.queries.results."""

from __future__ import annotations

from typing import Any

import strawberry

from graph.model import Label
from graph.queries import results as r
from service.graphql.enums import ControlStatus, CoverageStatus, MappingRelationship, MissingReason
from service.graphql.nodes import (
    Asset,
    Control,
    Criterion,
    Evidence,
    Framework,
    GqlInfo,
    Vendor,
    load_node,
    load_nodes,
)
from service.graphql.pagination import Connection, offset_connection, offset_window, slice_connection
from service.graphql.scalars import DateTime


@strawberry.type
class StatusCounts:
    total: int
    covered: int
    partial: int
    uncovered: int

    @classmethod
    def of(cls, counts: r.StatusCounts) -> StatusCounts:
        return cls(total=counts.total, covered=counts.covered, partial=counts.partial, uncovered=counts.uncovered)


@strawberry.type
class CategoryCounts(StatusCounts):
    category: str


@strawberry.type
class ControlFinding:
    control_id: strawberry.ID
    title: str
    status: ControlStatus
    effective: bool
    reason: str

    @strawberry.field
    async def control(self, info: GqlInfo) -> Control | None:
        found: Control | None = await load_node(info, Label.CONTROL, self.control_id)
        return found


@strawberry.type
class CrosswalkCandidate:
    criterion_id: strawberry.ID
    relationship: MappingRelationship
    neighbour_status: CoverageStatus
    candidate: CoverageStatus

    @strawberry.field
    async def criterion(self, info: GqlInfo) -> Criterion | None:
        found: Criterion | None = await load_node(info, Label.CRITERION, self.criterion_id)
        return found


@strawberry.type
class CriterionCoverage:
    criterion_id: strawberry.ID
    ref: str
    title: str
    category: str
    parent_id: strawberry.ID | None
    is_leaf: bool
    status: CoverageStatus
    derived: bool
    reason: str
    controls: list[ControlFinding]
    via: list[CrosswalkCandidate]

    @strawberry.field
    async def criterion(self, info: GqlInfo) -> Criterion | None:
        found: Criterion | None = await load_node(info, Label.CRITERION, self.criterion_id)
        return found


@strawberry.type
class CoverageReport:
    framework_id: strawberry.ID
    as_of: DateTime
    totals: StatusCounts
    by_category: list[CategoryCounts]
    rows: strawberry.Private[list[r.CriterionCoverage]]

    @strawberry.field
    async def framework(self, info: GqlInfo) -> Framework | None:
        found: Framework | None = await load_node(info, Label.FRAMEWORK, self.framework_id)
        return found

    @strawberry.field(description="Per-criterion statuses in catalog order, optionally filtered.")
    def criteria(
        self, status: CoverageStatus | None = None, category: str | None = None, leaves_only: bool = False
    ) -> list[CriterionCoverage]:
        return [
            _criterion_coverage(row)
            for row in self.rows
            if (status is None or row.status is status)
            and (category is None or row.category == category)
            and (row.is_leaf or not leaves_only)
        ]

    @classmethod
    def of(cls, report: r.CoverageReport) -> CoverageReport:
        return cls(
            framework_id=strawberry.ID(report.framework),
            as_of=report.as_of,
            totals=StatusCounts.of(report.totals),
            by_category=[
                CategoryCounts(
                    category=c.category, total=c.total, covered=c.covered, partial=c.partial, uncovered=c.uncovered
                )
                for c in report.by_category
            ],
            rows=report.criteria,
        )


def _criterion_coverage(row: r.CriterionCoverage) -> CriterionCoverage:
    return CriterionCoverage(
        criterion_id=strawberry.ID(row.criterion_id),
        ref=row.ref,
        title=row.title,
        category=row.category,
        parent_id=strawberry.ID(row.parent) if row.parent else None,
        is_leaf=row.is_leaf,
        status=row.status,
        derived=row.derived,
        reason=row.reason,
        controls=[
            ControlFinding(
                control_id=strawberry.ID(f.control_id),
                title=f.title,
                status=f.status,
                effective=f.effective,
                reason=f.reason,
            )
            for f in row.controls
        ],
        via=[
            CrosswalkCandidate(
                criterion_id=strawberry.ID(v.criterion_id),
                relationship=v.relationship,
                neighbour_status=v.neighbour_status,
                candidate=v.candidate,
            )
            for v in row.via
        ],
    )


@strawberry.type
class AffectedAsset:
    asset_id: strawberry.ID
    distance: int

    @strawberry.field
    async def asset(self, info: GqlInfo) -> Asset | None:
        found: Asset | None = await load_node(info, Label.ASSET, self.asset_id)
        return found


@strawberry.type
class BlastRadius:
    asset_id: strawberry.ID
    max_depth: int | None
    control_ids: list[strawberry.ID]
    criterion_ids: list[strawberry.ID]
    framework_ids: list[strawberry.ID]
    vendor_ids: list[strawberry.ID]
    evidence_count: int
    affected: strawberry.Private[list[r.AffectedAsset]]
    evidence_ids: strawberry.Private[list[str]]

    @strawberry.field
    async def asset(self, info: GqlInfo) -> Asset | None:
        found: Asset | None = await load_node(info, Label.ASSET, self.asset_id)
        return found

    @strawberry.field(description="The asset (distance 0) and every asset depending on it, nearest first.")
    def assets(self, first: int | None = None, after: str | None = None) -> Connection[AffectedAsset]:
        return slice_connection(
            self.affected,
            first,
            after,
            lambda a: AffectedAsset(asset_id=strawberry.ID(a.asset_id), distance=a.distance),
        )

    @strawberry.field
    async def controls(self, info: GqlInfo) -> list[Control]:
        return await load_nodes(info, Label.CONTROL, list(self.control_ids))

    @strawberry.field
    async def criteria(self, info: GqlInfo) -> list[Criterion]:
        return await load_nodes(info, Label.CRITERION, list(self.criterion_ids))

    @strawberry.field
    async def frameworks(self, info: GqlInfo) -> list[Framework]:
        return await load_nodes(info, Label.FRAMEWORK, list(self.framework_ids))

    @strawberry.field
    async def vendors(self, info: GqlInfo) -> list[Vendor]:
        return await load_nodes(info, Label.VENDOR, list(self.vendor_ids))

    @strawberry.field(description="Evidence of the affected controls whose scope includes an affected asset.")
    async def evidence(self, info: GqlInfo, first: int | None = None, after: str | None = None) -> Connection[Evidence]:
        window, start = offset_window(self.evidence_ids, first, after)
        nodes = await load_nodes(info, Label.EVIDENCE, list(window))
        return offset_connection(nodes, start, len(self.evidence_ids))

    @classmethod
    def of(cls, result: r.BlastRadius) -> BlastRadius:
        return cls(
            asset_id=strawberry.ID(result.asset_id),
            max_depth=result.max_depth,
            control_ids=_ids(result.controls),
            criterion_ids=_ids(result.criteria),
            framework_ids=_ids(result.frameworks),
            vendor_ids=_ids(result.vendors),
            evidence_count=len(result.evidence),
            affected=result.assets,
            evidence_ids=result.evidence,
        )


def _ids(values: list[str]) -> list[strawberry.ID]:
    return [strawberry.ID(v) for v in values]


@strawberry.type
class MissingEvidenceRow:
    control_id: strawberry.ID
    asset_id: strawberry.ID | None
    reason: MissingReason
    since: DateTime | None

    @strawberry.field
    async def control(self, info: GqlInfo) -> Control | None:
        found: Control | None = await load_node(info, Label.CONTROL, self.control_id)
        return found

    @strawberry.field
    async def asset(self, info: GqlInfo) -> Asset | None:
        found: Asset | None = await load_node(info, Label.ASSET, self.asset_id)
        return found


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
        found: Control | None = await load_node(info, Label.CONTROL, self.control_id)
        return found


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


@strawberry.type
class CrosswalkRow:
    source_id: strawberry.ID
    target_id: strawberry.ID
    relationship: MappingRelationship
    strength: int
    rationale: str
    inverted: bool

    @strawberry.field
    async def source(self, info: GqlInfo) -> Criterion | None:
        found: Criterion | None = await load_node(info, Label.CRITERION, self.source_id)
        return found

    @strawberry.field
    async def target(self, info: GqlInfo) -> Criterion | None:
        found: Criterion | None = await load_node(info, Label.CRITERION, self.target_id)
        return found


@strawberry.type
class CrosswalkReport:
    source_framework: strawberry.ID
    target_framework: strawberry.ID
    found: strawberry.Private[list[r.CrosswalkRow]]

    @strawberry.field
    def rows(self, first: int | None = None, after: str | None = None) -> Connection[CrosswalkRow]:
        return slice_connection(
            self.found,
            first,
            after,
            lambda m: CrosswalkRow(
                source_id=strawberry.ID(m.source),
                target_id=strawberry.ID(m.target),
                relationship=m.relationship,
                strength=m.strength,
                rationale=m.rationale,
                inverted=m.inverted,
            ),
        )

    @classmethod
    def of(cls, report: r.CrosswalkReport) -> CrosswalkReport:
        return cls(
            source_framework=strawberry.ID(report.source_framework),
            target_framework=strawberry.ID(report.target_framework),
            found=report.rows,
        )


@strawberry.type
class StatusChange:
    criterion_id: strawberry.ID
    before: CoverageStatus
    after: CoverageStatus

    @strawberry.field
    async def criterion(self, info: GqlInfo) -> Criterion | None:
        found: Criterion | None = await load_node(info, Label.CRITERION, self.criterion_id)
        return found


@strawberry.type
class FrameworkDelta:
    framework_id: strawberry.ID
    before: StatusCounts
    after: StatusCounts
    changes: list[StatusChange]


@strawberry.type
class StaleEvidence:
    evidence_id: strawberry.ID
    control_id: strawberry.ID
    asset_id: strawberry.ID

    @strawberry.field
    async def evidence(self, info: GqlInfo) -> Evidence | None:
        found: Evidence | None = await load_node(info, Label.EVIDENCE, self.evidence_id)
        return found


@strawberry.type
class ImpactReport:
    asset_id: strawberry.ID
    at: DateTime
    propagate: bool
    recorded: bool
    asset_ids: list[strawberry.ID]
    stale_evidence: list[StaleEvidence]
    frameworks: list[FrameworkDelta]

    @strawberry.field
    async def assets(self, info: GqlInfo) -> list[Asset]:
        return await load_nodes(info, Label.ASSET, list(self.asset_ids))

    @classmethod
    def of(cls, report: r.ImpactReport) -> ImpactReport:
        return cls(
            asset_id=strawberry.ID(report.asset_id),
            at=report.at,
            propagate=report.propagate,
            recorded=report.recorded,
            asset_ids=_ids(report.assets),
            stale_evidence=[
                StaleEvidence(
                    evidence_id=strawberry.ID(s.evidence_id),
                    control_id=strawberry.ID(s.control_id),
                    asset_id=strawberry.ID(s.asset_id),
                )
                for s in report.stale_evidence
            ],
            frameworks=[
                FrameworkDelta(
                    framework_id=strawberry.ID(d.framework),
                    before=StatusCounts.of(d.before),
                    after=StatusCounts.of(d.after),
                    changes=[
                        StatusChange(criterion_id=strawberry.ID(c.criterion_id), before=c.before, after=c.after)
                        for c in d.changes
                    ],
                )
                for d in report.frameworks
            ],
        )
