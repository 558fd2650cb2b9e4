"""GraphQL types of the threat view; thin wrappers over graph.queries.results (rules in graph.queries.threats)."""

from __future__ import annotations

import strawberry

from graph.queries import results as r
from service.graphql.enums import AssetKind, ControlStatus
from service.graphql.loading import GqlInfo, load_node
from service.graphql.nodes import Asset, Control, Threat
from service.graphql.pagination import Connection, slice_connection
from service.graphql.scalars import DateTime

strawberry.enum(
    r.MitigationStatus,
    description="MITIGATED: an effective control in scope mitigates it; PARTIAL: one in scope is implemented "
    "but not effective (organisation-wide: mitigated for some of the targeted assets); UNMITIGATED: none.",
)
MitigationStatus = r.MitigationStatus


@strawberry.type(description="A control that mitigates the technique and is in scope of an asset it targets.")
class MitigatingControl:
    control_id: strawberry.ID
    title: str
    status: ControlStatus
    effective: bool
    organisation_wide: bool = strawberry.field(description="It applies to no asset, so to every asset.")
    mitigates_id: strawberry.ID = strawberry.field(
        description="The technique its MITIGATES edge names: this one or, for a sub-technique, its parent."
    )

    @strawberry.field
    async def control(self, info: GqlInfo) -> Control | None:
        return await load_node(info, Control, self.control_id)


@strawberry.type(description="One targeted asset's standing against the technique.")
class AssetExposure:
    asset_id: strawberry.ID
    kind: AssetKind
    status: MitigationStatus
    control_ids: list[strawberry.ID] = strawberry.field(
        description="Mitigating controls in the asset's scope, effective ones first."
    )

    @strawberry.field
    async def asset(self, info: GqlInfo) -> Asset | None:
        return await load_node(info, Asset, self.asset_id)


@strawberry.type(description="An ATLAS technique aimed at the viewed asset's kind (or at the organisation's assets).")
class TechniqueExposure:
    threat_id: strawberry.ID
    name: str
    tactic: str
    asset_kinds: list[AssetKind]
    status: MitigationStatus
    controls: list[MitigatingControl]
    asset_count: int
    exposures: strawberry.Private[list[r.AssetExposure]]

    @strawberry.field
    async def threat(self, info: GqlInfo) -> Threat | None:
        return await load_node(info, Threat, self.threat_id)

    @strawberry.field(description="The targeted assets in id order (one for an asset's view).")
    def assets(
        self,
        first: int | None = None,
        after: str | None = None,
        status: MitigationStatus | None = None,
    ) -> Connection[AssetExposure]:
        rows = [e for e in self.exposures if status is None or e.status is status]
        return slice_connection(rows, first, after, _exposure)


@strawberry.type(description="The ATLAS techniques that threaten an asset or the organisation, and how they are held.")
class ThreatView:
    asset_id: strawberry.ID | None
    as_of: DateTime
    total: int
    mitigated: int
    partial: int
    unmitigated: int
    found: strawberry.Private[list[r.TechniqueExposure]]

    @strawberry.field
    async def asset(self, info: GqlInfo) -> Asset | None:
        return await load_node(info, Asset, self.asset_id)

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
            for t in self.found
            if (status is None or t.status is status)
            and (tactic is None or tactic in [name.strip() for name in t.tactic.split(";")])
        ]
        return slice_connection(rows, first, after, _technique)

    @classmethod
    def of(cls, view: r.ThreatView) -> ThreatView:
        return cls(
            asset_id=strawberry.ID(view.asset_id) if view.asset_id is not None else None,
            as_of=view.as_of,
            total=len(view.techniques),
            mitigated=view.mitigated,
            partial=view.partial,
            unmitigated=view.unmitigated,
            found=view.techniques,
        )


def _technique(t: r.TechniqueExposure) -> TechniqueExposure:
    return TechniqueExposure(
        threat_id=strawberry.ID(t.threat_id),
        name=t.name,
        tactic=t.tactic,
        asset_kinds=list(t.asset_kinds),
        status=t.status,
        controls=[
            MitigatingControl(
                control_id=strawberry.ID(c.control_id),
                title=c.title,
                status=c.status,
                effective=c.effective,
                organisation_wide=c.organisation_wide,
                mitigates_id=strawberry.ID(c.mitigates),
            )
            for c in t.controls
        ],
        asset_count=len(t.assets),
        exposures=t.assets,
    )


def _exposure(e: r.AssetExposure) -> AssetExposure:
    return AssetExposure(
        asset_id=strawberry.ID(e.asset_id),
        kind=e.kind,
        status=e.status,
        control_ids=[strawberry.ID(c) for c in e.controls],
    )
