"""GraphQL types of the threat view, derived from graph.queries.results (rules in graph.queries.threats)."""

from __future__ import annotations

import strawberry

from graph.queries import results as r
from service.graphql.loading import GqlInfo, load_node
from service.graphql.model_types import convert, object_type
from service.graphql.nodes import Asset, Control, Threat
from service.graphql.pagination import Connection, slice_connection

strawberry.enum(
    r.MitigationStatus,
    description="MITIGATED: an effective control in scope mitigates it; PARTIAL: one in scope is implemented "
    "but not effective (organisation-wide: mitigated for some of the targeted assets); UNMITIGATED: none.",
)
MitigationStatus = r.MitigationStatus


@object_type(
    r.MitigatingControl,
    ids=("control_id", "mitigates"),
    names={"mitigates": "mitigates_id"},
    keep_as="row",
    description="A control that mitigates the technique and is in scope of an asset it targets.",
)
class MitigatingControl:
    row: strawberry.Private[r.MitigatingControl]

    @strawberry.field
    async def control(self, info: GqlInfo) -> Control | None:
        return await load_node(info, Control, self.row.control_id)


@object_type(
    r.AssetExposure,
    ids=("asset_id", "controls"),
    names={"controls": "control_ids"},
    keep_as="row",
    description="One targeted asset's standing against the technique.",
)
class AssetExposure:
    row: strawberry.Private[r.AssetExposure]

    @strawberry.field
    async def asset(self, info: GqlInfo) -> Asset | None:
        return await load_node(info, Asset, self.row.asset_id)


@object_type(
    r.TechniqueExposure,
    ids=("threat_id",),
    keep_as="row",
    description="An ATLAS technique aimed at the viewed asset's kind (or at the organisation's assets).",
)
class TechniqueExposure:
    asset_count: int
    row: strawberry.Private[r.TechniqueExposure]

    @strawberry.field
    async def threat(self, info: GqlInfo) -> Threat | None:
        return await load_node(info, Threat, self.row.threat_id)

    @strawberry.field(description="The targeted assets in id order (one for an asset's view).")
    def assets(
        self,
        first: int | None = None,
        after: str | None = None,
        status: MitigationStatus | None = None,
    ) -> Connection[AssetExposure]:
        rows = [e for e in self.row.assets if status is None or e.status is status]
        return slice_connection(rows, first, after, lambda e: convert(AssetExposure, e))


@object_type(
    r.ThreatView,
    ids=("asset_id",),
    keep_as="view",
    description="The ATLAS techniques that threaten an asset or the organisation, and how they are held.",
)
class ThreatView:
    total: int
    view: strawberry.Private[r.ThreatView]

    @strawberry.field
    async def asset(self, info: GqlInfo) -> Asset | None:
        return await load_node(info, Asset, self.view.asset_id)

    @strawberry.field(description="Techniques in id order, optionally of one status or one tactic (by name).")
    def techniques(
        self,
        first: int | None = None,
        after: str | None = None,
        status: MitigationStatus | None = None,
        tactic: str | None = None,
    ) -> Connection[TechniqueExposure]:
        rows = [
            t
            for t in self.view.techniques
            if (status is None or t.status is status)
            and (tactic is None or tactic in [name.strip() for name in t.tactic.split(";")])
        ]
        return slice_connection(rows, first, after, lambda t: convert(TechniqueExposure, t, asset_count=len(t.assets)))

    @classmethod
    def of(cls, view: r.ThreatView) -> ThreatView:
        return convert(cls, view, total=len(view.techniques))
