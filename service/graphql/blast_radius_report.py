"""GraphQL types of the blast radius."""

from __future__ import annotations

import strawberry

from graph.model import Rel
from graph.queries import results as r
from service.graphql.loading import GqlInfo, load_node, load_nodes
from service.graphql.nodes import Asset, Control, Criterion, Evidence, Framework, Vendor, as_ids
from service.graphql.pagination import Connection, offset_connection, offset_window, slice_connection


@strawberry.type
class AffectedAsset:
    asset_id: strawberry.ID
    distance: int

    @strawberry.field
    async def asset(self, info: GqlInfo) -> Asset | None:
        return await load_node(info, Asset, self.asset_id)


@strawberry.type
class DependencyLink:
    """`source` depends on `target`; both are in the blast radius."""

    source_id: strawberry.ID
    target_id: strawberry.ID


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
        return await load_node(info, Asset, self.asset_id)

    @strawberry.field(description="The asset (distance 0) and every asset depending on it, nearest first.")
    def assets(self, first: int | None = None, after: str | None = None) -> Connection[AffectedAsset]:
        return slice_connection(
            self.affected,
            first,
            after,
            lambda a: AffectedAsset(asset_id=strawberry.ID(a.asset_id), distance=a.distance),
        )

    @strawberry.field(description="The DEPENDS_ON edges among the affected assets, to draw the neighbourhood.")
    async def edges(self, info: GqlInfo) -> list[DependencyLink]:
        ids = [a.asset_id for a in self.affected]
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
        return await load_nodes(info, Control, list(self.control_ids))

    @strawberry.field
    async def criteria(self, info: GqlInfo) -> list[Criterion]:
        return await load_nodes(info, Criterion, list(self.criterion_ids))

    @strawberry.field
    async def frameworks(self, info: GqlInfo) -> list[Framework]:
        return await load_nodes(info, Framework, list(self.framework_ids))

    @strawberry.field
    async def vendors(self, info: GqlInfo) -> list[Vendor]:
        return await load_nodes(info, Vendor, list(self.vendor_ids))

    @strawberry.field(description="Evidence of the affected controls whose scope includes an affected asset.")
    async def evidence(self, info: GqlInfo, first: int | None = None, after: str | None = None) -> Connection[Evidence]:
        window, start = offset_window(self.evidence_ids, first, after)
        nodes = await load_nodes(info, Evidence, list(window))
        return offset_connection(nodes, start, len(self.evidence_ids))

    @classmethod
    def of(cls, result: r.BlastRadius) -> BlastRadius:
        return cls(
            asset_id=strawberry.ID(result.asset_id),
            max_depth=result.max_depth,
            control_ids=as_ids(result.controls),
            criterion_ids=as_ids(result.criteria),
            framework_ids=as_ids(result.frameworks),
            vendor_ids=as_ids(result.vendors),
            evidence_count=len(result.evidence),
            affected=result.assets,
            evidence_ids=result.evidence,
        )
