"""GraphQL types of a change's impact report, derived from graph/queries/results.py."""

from __future__ import annotations

import strawberry

from graph.queries import results as r
from service.graphql.coverage_report import StatusCounts  # noqa: F401  (registers the nested type first)
from service.graphql.loading import GqlInfo, load_node, load_nodes
from service.graphql.model_types import convert, object_type
from service.graphql.nodes import Asset, Control, Criterion, Evidence, Framework


@object_type(r.StatusChange, ids=("criterion_id",), keep_as="row")
class StatusChange:
    row: strawberry.Private[r.StatusChange]

    @strawberry.field
    async def criterion(self, info: GqlInfo) -> Criterion | None:
        return await load_node(info, Criterion, self.row.criterion_id)


@object_type(r.FrameworkDelta, ids=("framework",), names={"framework": "framework_id"}, keep_as="row")
class FrameworkDelta:
    row: strawberry.Private[r.FrameworkDelta]

    @strawberry.field
    async def framework(self, info: GqlInfo) -> Framework | None:
        return await load_node(info, Framework, self.row.framework)


@object_type(r.StaleEvidence, ids=("evidence_id", "control_id", "asset_id"), keep_as="row")
class StaleEvidence:
    row: strawberry.Private[r.StaleEvidence]

    @strawberry.field
    async def evidence(self, info: GqlInfo) -> Evidence | None:
        return await load_node(info, Evidence, self.row.evidence_id)


@object_type(r.ImpactReport, ids=("asset_id", "assets"), names={"assets": "asset_ids"}, keep_as="report")
class ImpactReport:
    report: strawberry.Private[r.ImpactReport]

    @strawberry.field
    async def assets(self, info: GqlInfo) -> list[Asset]:
        return await load_nodes(info, Asset, list(self.report.assets))

    @classmethod
    def of(cls, report: r.ImpactReport) -> ImpactReport:
        return convert(cls, report)


@object_type(
    r.VendorLapseReport,
    ids=("vendor_id", "controls"),
    names={"controls": "control_ids"},
    keep_as="report",
    description="What a vendor's report lapsing at `at` would cost: the criteria that flip, per framework.",
)
class VendorLapseReport:
    report: strawberry.Private[r.VendorLapseReport]

    @strawberry.field(description="The carved-out controls that would stop being effective.")
    async def controls(self, info: GqlInfo) -> list[Control]:
        return await load_nodes(info, Control, list(self.report.controls))

    @classmethod
    def of(cls, report: r.VendorLapseReport) -> VendorLapseReport:
        return convert(cls, report)
