"""GraphQL types of the blast radius, derived from graph/queries/results.py."""

from __future__ import annotations

import strawberry

from graph.model import Rel, Severity
from graph.queries import results as r
from graph.queries.findings import open_finding_counts
from service.graphql.loading import GqlInfo, load_node, load_nodes
from service.graphql.model_types import convert, object_type
from service.graphql.nodes import Asset, Control, Criterion, Evidence, Framework, Vendor
from service.graphql.pagination import Connection, offset_connection, offset_window, slice_connection


@object_type(r.AffectedAsset, ids=("asset_id",), keep_as="row")
class AffectedAsset:
    row: strawberry.Private[r.AffectedAsset]

    @strawberry.field
    async def asset(self, info: GqlInfo) -> Asset | None:
        return await load_node(info, Asset, self.row.asset_id)


@strawberry.type(description="How many open findings of one severity affect the affected assets.")
class FindingCount:
    severity: Severity
    count: int


@strawberry.type
class DependencyLink:
    """`source` depends on `target`; both are in the blast radius."""

    source_id: strawberry.ID
    target_id: strawberry.ID


@object_type(
    r.BlastRadius,
    ids=("asset_id", "controls", "criteria", "frameworks", "vendors"),
    names={
        "controls": "control_ids",
        "criteria": "criterion_ids",
        "frameworks": "framework_ids",
        "vendors": "vendor_ids",
    },
    keep_as="result",
)
class BlastRadius:
    evidence_count: int
    result: strawberry.Private[r.BlastRadius]

    @strawberry.field
    async def asset(self, info: GqlInfo) -> Asset | None:
        return await load_node(info, Asset, self.result.asset_id)

    @strawberry.field(description="The asset (distance 0) and every asset depending on it, nearest first.")
    def assets(self, first: int | None = None, after: str | None = None) -> Connection[AffectedAsset]:
        return slice_connection(self.result.assets, first, after, lambda a: convert(AffectedAsset, a))

    @strawberry.field(description="The DEPENDS_ON edges among the affected assets, to draw the neighbourhood.")
    async def edges(self, info: GqlInfo) -> list[DependencyLink]:
        ids = [a.asset_id for a in self.result.assets]
        inside = set(ids)
        targets = await info.context.loaders.related(Rel.DEPENDS_ON).load_many(ids)
        return [
            DependencyLink(source_id=strawberry.ID(source), target_id=strawberry.ID(target))
            for source, outgoing in zip(ids, targets, strict=True)
            for target in outgoing
            if target in inside
        ]

    @strawberry.field
    async def controls(self, info: GqlInfo) -> list[Control]:
        return await load_nodes(info, Control, self.result.controls)

    @strawberry.field
    async def criteria(self, info: GqlInfo) -> list[Criterion]:
        return await load_nodes(info, Criterion, self.result.criteria)

    @strawberry.field
    async def frameworks(self, info: GqlInfo) -> list[Framework]:
        return await load_nodes(info, Framework, self.result.frameworks)

    @strawberry.field
    async def vendors(self, info: GqlInfo) -> list[Vendor]:
        return await load_nodes(info, Vendor, self.result.vendors)

    @strawberry.field(description="Evidence of the affected controls whose scope includes an affected asset.")
    async def evidence(self, info: GqlInfo, first: int | None = None, after: str | None = None) -> Connection[Evidence]:
        window, start = offset_window(self.result.evidence, first, after)
        nodes = await load_nodes(info, Evidence, list(window))
        return offset_connection(nodes, start, len(self.result.evidence))

    @strawberry.field(
        description="Open findings (status open) on the affected assets, per severity, most severe first "
        "(every severity, 0 included): what a critical CVE reaches. One store call."
    )
    async def finding_counts(self, info: GqlInfo) -> list[FindingCount]:
        ids = [a.asset_id for a in self.result.assets]
        counts = await info.context.call(open_finding_counts, info.context.store, ids)
        return [FindingCount(severity=severity, count=n) for severity, n in counts]

    @classmethod
    def of(cls, result: r.BlastRadius) -> BlastRadius:
        return convert(cls, result, evidence_count=len(result.evidence))
