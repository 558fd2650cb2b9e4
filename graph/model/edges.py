"""Relationships between nodes: the generic edge, and the ones that carry properties of their own."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from graph.model.labels import NODE_EDGE_FIELDS, Label, Rel
from graph.model.nodes import DependencyKind, MappingRelationship, NodeId, _Node


class Edge(BaseModel):
    """A relationship between two nodes whose labels follow from its type."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Rel
    source: NodeId
    target: NodeId
    properties: dict[str, Any] = Field(default_factory=dict)

    @property
    def key(self) -> tuple[Rel, str, str]:
        return (self.type, self.source, self.target)


class Mapping(BaseModel):
    """A crosswalk edge: `source` is `relationship` of `target` (NIST IR 8477)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: NodeId
    target: NodeId
    relationship: MappingRelationship
    strength: Annotated[int, Field(ge=1, le=10)]
    rationale: Annotated[str, Field(min_length=1, max_length=2000)]


class Dependency(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    source: NodeId
    target: NodeId
    kind: DependencyKind


class Link(BaseModel):
    """A relationship without properties, named by its type."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: NodeId
    target: NodeId


def mapping_edge(m: Mapping) -> Edge:
    return Edge(
        type=Rel.MAPS_TO,
        source=m.source,
        target=m.target,
        properties={"relationship": m.relationship.value, "strength": m.strength, "rationale": m.rationale},
    )


def dependency_edge(d: Dependency) -> Edge:
    return Edge(type=Rel.DEPENDS_ON, source=d.source, target=d.target, properties={"kind": d.kind.value})


def node_edges(label: Label, node: _Node) -> list[Edge]:
    """The edges a node model carries as fields (a criterion's framework, evidence's control)."""
    edges = []
    for field, rel in NODE_EDGE_FIELDS.get(label, {}).items():
        target = getattr(node, field)
        if target is not None:
            edges.append(Edge(type=rel, source=node.id, target=target))
    return edges
