"""GraphQL object types of the graph's nodes; relationships resolve through DataLoaders."""

from __future__ import annotations

from typing import Any, TypeVar

import strawberry
from strawberry.types import Info

from graph.model import Label, Rel
from service.graphql.context import Context
from service.graphql.enums import (
    AssetKind,
    ControlKind,
    ControlStatus,
    EvidenceStatus,
    Frequency,
    MappingRelationship,
    ReviewDecision,
)
from service.graphql.pagination import Connection, Edge, PageInfo, decode_cursor, encode_cursor, page_size
from service.graphql.scalars import DateTime

N = TypeVar("N")
GqlInfo = Info[Context, None]


def as_ids(values: list[str]) -> list[strawberry.ID]:
    return [strawberry.ID(v) for v in values]


def _from_model(cls: type[N], node: Any) -> N:
    """Copy the model's properties that the GraphQL type declares."""
    names = cls.__annotations__.keys()
    return cls(**{name: getattr(node, name) for name in names if hasattr(node, name)})


async def load_nodes(info: GqlInfo, label: Label, ids: list[str]) -> list[Any]:
    found = await info.context.loaders.node(label).load_many(ids)
    return [wrap_node(label, node) for node in found if node is not None]


async def load_node(info: GqlInfo, label: Label, node_id: str | None) -> Any:
    if node_id is None:
        return None
    node = await info.context.loaders.node(label).load(node_id)
    return wrap_node(label, node) if node is not None else None


async def related_nodes(info: GqlInfo, rel: Rel, node_id: str, label: Label, *, reverse: bool = False) -> list[Any]:
    ids = await info.context.loaders.related(rel, reverse=reverse).load(node_id)
    return await load_nodes(info, label, ids)


async def related_connection(
    info: GqlInfo, rel: Rel, node_id: str, label: Label, first: int | None, after: str | None, *, reverse: bool = False
) -> Connection[Any]:
    """A page of the nodes at the other end of `rel`, loading only that page's nodes."""
    ids = await info.context.loaders.related(rel, reverse=reverse).load(node_id)
    size = page_size(first)
    start = 0
    if after is not None:
        last = decode_cursor("id", after)
        start = ids.index(last) + 1 if last in ids else len(ids)
    window = ids[start : start + size]
    nodes = await load_nodes(info, label, window)
    return _connection(nodes, has_next=start + size < len(ids), has_previous=start > 0, total=len(ids))


async def node_connection(
    info: GqlInfo, label: Label, first: int | None, after: str | None, where: dict[str, str] | None = None
) -> Connection[Any]:
    """A page of all nodes of a label, ordered by id, straight from the store."""
    size = page_size(first)
    after_id = decode_cursor("id", after) if after is not None else None
    store = info.context.store
    found = await info.context.call(store.list_nodes, label, first=size + 1, after=after_id, where=where)
    total = await info.context.call(store.count_nodes, label, where)
    nodes = [wrap_node(label, n) for n in found[:size]]
    return _connection(nodes, has_next=len(found) > size, has_previous=after is not None, total=total)


def _connection(nodes: list[Any], *, has_next: bool, has_previous: bool, total: int) -> Connection[Any]:
    edges = [Edge(node=n, cursor=encode_cursor("id", n.id)) for n in nodes]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total,
    )


@strawberry.type
class Framework:
    id: strawberry.ID
    name: str
    version: str
    publisher: str
    license_note: str

    @strawberry.field
    async def criteria(
        self, info: GqlInfo, first: int | None = None, after: str | None = None
    ) -> Connection[Criterion]:
        return await node_connection(info, Label.CRITERION, first, after, {"framework": self.id})


@strawberry.type
class CriterionMapping:
    """A crosswalk edge read from one criterion's side: this criterion *is* `relationship` `other`."""

    other_id: strawberry.ID
    relationship: MappingRelationship
    strength: int
    rationale: str

    @strawberry.field
    async def other(self, info: GqlInfo) -> Criterion | None:
        result: Criterion | None = await load_node(info, Label.CRITERION, self.other_id)
        return result


@strawberry.type
class Criterion:
    id: strawberry.ID
    ref: str
    title: str
    category: str
    description: str
    framework_id: strawberry.Private[str]
    parent_id: strawberry.Private[str | None]
    assessable_as_given: strawberry.Private[bool | None]

    @strawberry.field(
        description="Whether it states a requirement of its own and counts in coverage: as its catalog says, "
        "else exactly when it has no children."
    )
    async def assessable(self, info: GqlInfo) -> bool:
        if self.assessable_as_given is not None:
            return self.assessable_as_given
        children = await info.context.loaders.related(Rel.CHILD_OF, reverse=True).load(self.id)
        return not children

    @strawberry.field
    async def framework(self, info: GqlInfo) -> Framework | None:
        result: Framework | None = await load_node(info, Label.FRAMEWORK, self.framework_id)
        return result

    @strawberry.field
    async def parent(self, info: GqlInfo) -> Criterion | None:
        result: Criterion | None = await load_node(info, Label.CRITERION, self.parent_id)
        return result

    @strawberry.field
    async def children(self, info: GqlInfo) -> list[Criterion]:
        return await related_nodes(info, Rel.CHILD_OF, self.id, Label.CRITERION, reverse=True)

    @strawberry.field(description="The controls that satisfy this criterion.")
    async def controls(self, info: GqlInfo) -> list[Control]:
        return await related_nodes(info, Rel.SATISFIES, self.id, Label.CONTROL, reverse=True)

    @strawberry.field(description="Crosswalk edges in either direction, read from this criterion's side.")
    async def mappings(self, info: GqlInfo) -> list[CriterionMapping]:
        found = await info.context.loaders.mappings.load(self.id)
        rows = []
        for m in found:
            if m.source == self.id:
                rows.append(
                    CriterionMapping(
                        other_id=strawberry.ID(m.target),
                        relationship=m.relationship,
                        strength=m.strength,
                        rationale=m.rationale,
                    )
                )
            else:
                rows.append(
                    CriterionMapping(
                        other_id=strawberry.ID(m.source),
                        relationship=m.relationship.inverted(),
                        strength=m.strength,
                        rationale=m.rationale,
                    )
                )
        return rows


@strawberry.type
class Control:
    id: strawberry.ID
    title: str
    description: str
    domain: str
    owner: str
    status: ControlStatus
    frequency: Frequency
    kind: ControlKind
    automated: bool
    expected_evidence: list[str]

    @strawberry.field
    async def criteria(self, info: GqlInfo) -> list[Criterion]:
        return await related_nodes(info, Rel.SATISFIES, self.id, Label.CRITERION)

    @strawberry.field(description="The assets in the control's scope.")
    async def assets(self, info: GqlInfo, first: int | None = None, after: str | None = None) -> Connection[Asset]:
        return await related_connection(info, Rel.APPLIES_TO, self.id, Label.ASSET, first, after)

    @strawberry.field
    async def vendors(self, info: GqlInfo) -> list[Vendor]:
        return await related_nodes(info, Rel.RELIES_ON, self.id, Label.VENDOR)

    @strawberry.field
    async def evidence(self, info: GqlInfo, first: int | None = None, after: str | None = None) -> Connection[Evidence]:
        return await related_connection(info, Rel.EVIDENCES, self.id, Label.EVIDENCE, first, after, reverse=True)

    @strawberry.field
    async def threats(self, info: GqlInfo) -> list[Threat]:
        return await related_nodes(info, Rel.MITIGATES, self.id, Label.THREAT)


@strawberry.type
class Asset:
    id: strawberry.ID
    kind: AssetKind
    name: str
    owner: str
    environment: str
    classification: str
    criticality: str
    changed_at: DateTime | None

    @strawberry.field(description="Assets this one depends on.")
    async def depends_on(self, info: GqlInfo) -> list[Asset]:
        return await related_nodes(info, Rel.DEPENDS_ON, self.id, Label.ASSET)

    @strawberry.field(description="Assets that depend on this one directly.")
    async def dependents(self, info: GqlInfo) -> list[Asset]:
        return await related_nodes(info, Rel.DEPENDS_ON, self.id, Label.ASSET, reverse=True)

    @strawberry.field
    async def controls(self, info: GqlInfo) -> list[Control]:
        return await related_nodes(info, Rel.APPLIES_TO, self.id, Label.CONTROL, reverse=True)

    @strawberry.field
    async def vendors(self, info: GqlInfo) -> list[Vendor]:
        return await related_nodes(info, Rel.PROVIDED_BY, self.id, Label.VENDOR)


@strawberry.type
class Vendor:
    id: strawberry.ID
    name: str
    service: str
    risk_tier: str
    report_valid_until: DateTime | None

    @strawberry.field
    async def assets(self, info: GqlInfo) -> list[Asset]:
        return await related_nodes(info, Rel.PROVIDED_BY, self.id, Label.ASSET, reverse=True)

    @strawberry.field
    async def controls(self, info: GqlInfo) -> list[Control]:
        return await related_nodes(info, Rel.RELIES_ON, self.id, Label.CONTROL, reverse=True)


@strawberry.type(description="One review of an evidence item (reviews are appended, never edited).")
class EvidenceReview:
    decision: ReviewDecision
    note: str
    reviewer: str = strawberry.field(description="The actor who reviewed, as the audit log names them.")
    at: DateTime


@strawberry.type
class Evidence:
    id: strawberry.ID
    title: str
    kind: str
    collected_at: DateTime
    valid_until: DateTime | None
    status: EvidenceStatus = strawberry.field(description="As recorded until reviewed; then the latest review's.")
    uri: str
    sha256: str | None
    recorded_by: str | None = strawberry.field(description="The actor who recorded the item (none: loaded).")
    recorded_at: DateTime | None
    control_id: strawberry.Private[str]
    supersedes_id: strawberry.Private[str | None]

    @strawberry.field(description="Its reviews, in the order they were made: the latest sets its status.")
    async def reviews(self, info: GqlInfo) -> list[EvidenceReview]:
        found = await info.context.loaders.reviews.load(self.id)
        return [EvidenceReview(decision=r.decision, note=r.note, reviewer=r.reviewer, at=r.at) for r in found]

    @strawberry.field
    async def control(self, info: GqlInfo) -> Control | None:
        result: Control | None = await load_node(info, Label.CONTROL, self.control_id)
        return result

    @strawberry.field(description="The evidence this item corrects (which no longer counts).")
    async def supersedes(self, info: GqlInfo) -> Evidence | None:
        result: Evidence | None = await load_node(info, Label.EVIDENCE, self.supersedes_id)
        return result

    @strawberry.field(description="The correction that replaced this item, if any: then this one no longer counts.")
    async def superseded_by(self, info: GqlInfo) -> Evidence | None:
        found = await related_nodes(info, Rel.SUPERSEDES, self.id, Label.EVIDENCE, reverse=True)
        return found[0] if found else None

    @strawberry.field(description="The assets this evidence speaks for; empty means all of its control's assets.")
    async def covers(self, info: GqlInfo) -> list[Asset]:
        return await related_nodes(info, Rel.COVERS, self.id, Label.ASSET)


@strawberry.type
class Threat:
    id: strawberry.ID
    name: str
    tactic: str
    asset_kinds: list[AssetKind]

    @strawberry.field
    async def mitigated_by(self, info: GqlInfo) -> list[Control]:
        return await related_nodes(info, Rel.MITIGATES, self.id, Label.CONTROL, reverse=True)


def wrap_node(label: Label, node: Any) -> Any:
    """The GraphQL object of a domain node."""
    if label is Label.CRITERION:
        return Criterion(
            id=node.id,
            ref=node.ref,
            title=node.title,
            category=node.category,
            description=node.description,
            framework_id=node.framework,
            parent_id=node.parent,
            assessable_as_given=node.assessable,
        )
    if label is Label.EVIDENCE:
        return Evidence(
            id=node.id,
            title=node.title,
            kind=node.kind,
            collected_at=node.collected_at,
            valid_until=node.valid_until,
            status=node.status,
            uri=node.uri,
            sha256=node.sha256,
            recorded_by=node.recorded_by,
            recorded_at=node.recorded_at,
            control_id=node.control,
            supersedes_id=node.supersedes,
        )
    return _from_model(GRAPHQL_TYPES[label], node)


GRAPHQL_TYPES: dict[Label, type] = {
    Label.FRAMEWORK: Framework,
    Label.CRITERION: Criterion,
    Label.CONTROL: Control,
    Label.ASSET: Asset,
    Label.VENDOR: Vendor,
    Label.EVIDENCE: Evidence,
    Label.THREAT: Threat,
}
