"""GraphQL object types of the graph's nodes.

Each type's fields are its model's (graph/model/nodes.py, descriptions included): the classes here add
only the relationships, each a one-line resolver through the request's DataLoaders.
"""

from __future__ import annotations

import strawberry

from graph import model as m
from graph.model import Label, Rel
from service.graphql import model_cards  # noqa: F401  (derives the card's types before Asset's modelCard)
from service.graphql.changes import Change, change_connection
from service.graphql.enums import FindingStatus, MappingRelationship
from service.graphql.finding_pages import asset_finding_connection
from service.graphql.loading import (
    GqlInfo,
    load_node,
    node_connection,
    node_type,
    related_connection,
    related_nodes,
)
from service.graphql.model_types import convert, object_type
from service.graphql.pagination import Connection
from service.graphql.scalars import DateTime


@node_type(Label.FRAMEWORK)
class Framework:
    node: strawberry.Private[m.Framework]

    @strawberry.field
    async def criteria(
        self, info: GqlInfo, first: int | None = None, after: str | None = None
    ) -> Connection[Criterion]:
        return await node_connection(info, Criterion, first, after, {"framework": self.node.id})


@strawberry.type
class CriterionMapping:
    """A crosswalk edge read from one criterion's side: this criterion *is* `relationship` `other`."""

    other_id: strawberry.ID
    relationship: MappingRelationship
    strength: int
    rationale: str

    @strawberry.field
    async def other(self, info: GqlInfo) -> Criterion | None:
        return await load_node(info, Criterion, self.other_id)

    @classmethod
    def seen_from(cls, criterion_id: str, mapping: m.Mapping) -> CriterionMapping:
        outgoing = mapping.source == criterion_id
        return cls(
            other_id=strawberry.ID(mapping.target if outgoing else mapping.source),
            relationship=mapping.relationship if outgoing else mapping.relationship.inverted(),
            strength=mapping.strength,
            rationale=mapping.rationale,
        )


@node_type(Label.CRITERION)
class Criterion:
    node: strawberry.Private[m.Criterion]

    @strawberry.field(description=m.Criterion.model_fields["assessable"].description)
    async def assessable(self, info: GqlInfo) -> bool:
        if self.node.assessable is not None:
            return self.node.assessable
        children = await info.context.loaders.related(Rel.CHILD_OF, reverse=True).load(self.node.id)
        return not children

    @strawberry.field
    async def framework(self, info: GqlInfo) -> Framework | None:
        return await load_node(info, Framework, self.node.framework)

    @strawberry.field
    async def parent(self, info: GqlInfo) -> Criterion | None:
        return await load_node(info, Criterion, self.node.parent)

    @strawberry.field
    async def children(self, info: GqlInfo) -> list[Criterion]:
        return await related_nodes(info, Criterion, Rel.CHILD_OF, self.node.id, reverse=True)

    @strawberry.field(description="The controls that satisfy this criterion.")
    async def controls(self, info: GqlInfo) -> list[Control]:
        return await related_nodes(info, Control, Rel.SATISFIES, self.node.id, reverse=True)

    @strawberry.field(description="Crosswalk edges in either direction, read from this criterion's side.")
    async def mappings(self, info: GqlInfo) -> list[CriterionMapping]:
        found = await info.context.loaders.mappings.load(self.node.id)
        return [CriterionMapping.seen_from(self.node.id, mapping) for mapping in found]


@node_type(Label.CONTROL)
class Control:
    node: strawberry.Private[m.Control]

    @strawberry.field
    async def criteria(self, info: GqlInfo) -> list[Criterion]:
        return await related_nodes(info, Criterion, Rel.SATISFIES, self.node.id)

    @strawberry.field(description="The assets in the control's scope.")
    async def assets(self, info: GqlInfo, first: int | None = None, after: str | None = None) -> Connection[Asset]:
        return await related_connection(info, Asset, Rel.APPLIES_TO, self.node.id, first, after)

    @strawberry.field
    async def vendors(self, info: GqlInfo) -> list[Vendor]:
        return await related_nodes(info, Vendor, Rel.RELIES_ON, self.node.id)

    @strawberry.field
    async def evidence(self, info: GqlInfo, first: int | None = None, after: str | None = None) -> Connection[Evidence]:
        return await related_connection(info, Evidence, Rel.EVIDENCES, self.node.id, first, after, reverse=True)

    @strawberry.field
    async def threats(self, info: GqlInfo) -> list[Threat]:
        return await related_nodes(info, Threat, Rel.MITIGATES, self.node.id)


@object_type(m.AssetIdentifier, description="A typed value other tools know an asset by (graph/model/identifiers.py).")
class AssetIdentifier:
    pass


@node_type(Label.ASSET)
class Asset:
    node: strawberry.Private[m.Asset]

    @strawberry.field(description=m.Asset.model_fields["changed_at"].description)
    async def changed_at(self, info: GqlInfo) -> DateTime | None:
        info.context.read_clock = True  # an answer about "now" is never remembered
        return await info.context.loaders.changed_now.load(self.node.id)

    @strawberry.field(description="Its change history, newest first.")
    async def changes(self, info: GqlInfo, first: int | None = None, after: str | None = None) -> Connection[Change]:
        return await change_connection(info, self.node.id, first, after)

    @strawberry.field(description="Assets this one depends on.")
    async def depends_on(self, info: GqlInfo) -> list[Asset]:
        return await related_nodes(info, Asset, Rel.DEPENDS_ON, self.node.id)

    @strawberry.field(description="Assets that depend on this one directly.")
    async def dependents(self, info: GqlInfo) -> list[Asset]:
        return await related_nodes(info, Asset, Rel.DEPENDS_ON, self.node.id, reverse=True)

    @strawberry.field
    async def controls(self, info: GqlInfo) -> list[Control]:
        return await related_nodes(info, Control, Rel.APPLIES_TO, self.node.id, reverse=True)

    @strawberry.field
    async def vendors(self, info: GqlInfo) -> list[Vendor]:
        return await related_nodes(info, Vendor, Rel.PROVIDED_BY, self.node.id)

    @strawberry.field(
        description="Scanner findings on this asset, in natural order of id; `status` open or fixed (null: both)."
    )
    async def findings(
        self, info: GqlInfo, first: int | None = None, after: str | None = None, status: FindingStatus | None = None
    ) -> Connection[Finding]:
        return await asset_finding_connection(info, Finding, self.node.id, status, first, after)


@node_type(Label.FINDING, description="A scanner's finding on an asset (a Nessus plugin's result on a host).")
class Finding:
    node: strawberry.Private[m.Finding]

    @strawberry.field(description=m.Finding.model_fields["asset"].description)
    async def asset(self, info: GqlInfo) -> Asset | None:
        return await load_node(info, Asset, self.node.asset)


@node_type(Label.VENDOR)
class Vendor:
    node: strawberry.Private[m.Vendor]

    @strawberry.field
    async def assets(self, info: GqlInfo) -> list[Asset]:
        return await related_nodes(info, Asset, Rel.PROVIDED_BY, self.node.id, reverse=True)

    @strawberry.field
    async def controls(self, info: GqlInfo) -> list[Control]:
        return await related_nodes(info, Control, Rel.RELIES_ON, self.node.id, reverse=True)


@object_type(
    m.EvidenceReview,
    exclude=("evidence",),
    description="One review of an evidence item (reviews are appended, never edited).",
)
class EvidenceReview:
    pass


@node_type(Label.EVIDENCE)
class Evidence:
    node: strawberry.Private[m.Evidence]

    @strawberry.field(description="Its reviews, in the order they were made: the latest sets its status.")
    async def reviews(self, info: GqlInfo) -> list[EvidenceReview]:
        found = await info.context.loaders.reviews.load(self.node.id)
        return [convert(EvidenceReview, review) for review in found]

    @strawberry.field
    async def control(self, info: GqlInfo) -> Control | None:
        return await load_node(info, Control, self.node.control)

    @strawberry.field(description="The evidence this item corrects (which no longer counts).")
    async def supersedes(self, info: GqlInfo) -> Evidence | None:
        return await load_node(info, Evidence, self.node.supersedes)

    @strawberry.field(description="The correction that replaced this item, if any: then this one no longer counts.")
    async def superseded_by(self, info: GqlInfo) -> Evidence | None:
        return next(iter(await related_nodes(info, Evidence, Rel.SUPERSEDES, self.node.id, reverse=True)), None)

    @strawberry.field(description="The assets this evidence speaks for; empty means all of its control's assets.")
    async def covers(self, info: GqlInfo) -> list[Asset]:
        return await related_nodes(info, Asset, Rel.COVERS, self.node.id)


@node_type(Label.THREAT)
class Threat:
    node: strawberry.Private[m.Threat]

    @strawberry.field
    async def mitigated_by(self, info: GqlInfo) -> list[Control]:
        return await related_nodes(info, Control, Rel.MITIGATES, self.node.id, reverse=True)
