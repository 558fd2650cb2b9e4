"""GraphQL types of a change's impact report."""

from __future__ import annotations

import strawberry

from graph.queries import results as r
from service.graphql.coverage_report import StatusCounts
from service.graphql.enums import CoverageStatus
from service.graphql.loading import GqlInfo, load_node, load_nodes
from service.graphql.nodes import Asset, Criterion, Evidence, Framework, as_ids
from service.graphql.scalars import DateTime


@strawberry.type
class StatusChange:
    criterion_id: strawberry.ID
    before: CoverageStatus
    after: CoverageStatus

    @strawberry.field
    async def criterion(self, info: GqlInfo) -> Criterion | None:
        return await load_node(info, Criterion, self.criterion_id)


@strawberry.type
class FrameworkDelta:
    framework_id: strawberry.ID
    before: StatusCounts
    after: StatusCounts
    changes: list[StatusChange]

    @strawberry.field
    async def framework(self, info: GqlInfo) -> Framework | None:
        return await load_node(info, Framework, self.framework_id)


@strawberry.type
class StaleEvidence:
    evidence_id: strawberry.ID
    control_id: strawberry.ID
    asset_id: strawberry.ID

    @strawberry.field
    async def evidence(self, info: GqlInfo) -> Evidence | None:
        return await load_node(info, Evidence, self.evidence_id)


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
        return await load_nodes(info, Asset, list(self.asset_ids))

    @classmethod
    def of(cls, report: r.ImpactReport) -> ImpactReport:
        return cls(
            asset_id=strawberry.ID(report.asset_id),
            at=report.at,
            propagate=report.propagate,
            recorded=report.recorded,
            asset_ids=as_ids(report.assets),
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
