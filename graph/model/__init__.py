"""The graph model of DESIGN.md, described once (each name re-exported from its module here).

- `graph.model.nodes`: labels, relationship types, field enums and the node models;
- `graph.model.engagements`: the engagement (an audit) and its kind;
- `graph.model.registry`: every node model by label;
- `graph.model.edges`: relationships, and those with properties of their own (mappings, dependencies);
- `graph.model.ordering`: ids in natural order, and the order key the stores sort by.
"""

from __future__ import annotations

from graph.model.edges import (
    Dependency,
    Edge,
    Link,
    Mapping,
    dependency_edge,
    mapping_edge,
    node_edges,
)
from graph.model.engagements import Engagement, EngagementKind
from graph.model.nodes import (
    EDGE_ENDPOINTS,
    FREQUENCY_DAYS,
    MAX_CLOCK_SKEW,
    NODE_EDGE_FIELDS,
    Actor,
    Asset,
    AssetKind,
    Control,
    ControlKind,
    ControlStatus,
    CoverageStatus,
    Criterion,
    DependencyKind,
    Evidence,
    EvidenceReview,
    EvidenceStatus,
    Framework,
    Frequency,
    Label,
    MappingRelationship,
    Name,
    NodeId,
    Rel,
    ReportKind,
    ReviewDecision,
    Text,
    Threat,
    UtcDatetime,
    Vendor,
    latest_review,
    now_utc,
    to_utc,
)
from graph.model.ordering import (
    after_key,
    id_of_order_key,
    natural_key,
    order_key,
)
from graph.model.registry import LABEL_OF, NODE_MODELS, NodeModel

__all__ = [
    "EDGE_ENDPOINTS",
    "FREQUENCY_DAYS",
    "LABEL_OF",
    "MAX_CLOCK_SKEW",
    "NODE_EDGE_FIELDS",
    "NODE_MODELS",
    "Actor",
    "Asset",
    "AssetKind",
    "Control",
    "ControlKind",
    "ControlStatus",
    "CoverageStatus",
    "Criterion",
    "Dependency",
    "DependencyKind",
    "Edge",
    "Engagement",
    "EngagementKind",
    "Evidence",
    "EvidenceReview",
    "EvidenceStatus",
    "Framework",
    "Frequency",
    "Label",
    "Link",
    "Mapping",
    "MappingRelationship",
    "Name",
    "NodeId",
    "NodeModel",
    "Rel",
    "ReportKind",
    "ReviewDecision",
    "Text",
    "Threat",
    "UtcDatetime",
    "Vendor",
    "after_key",
    "dependency_edge",
    "id_of_order_key",
    "latest_review",
    "mapping_edge",
    "natural_key",
    "node_edges",
    "now_utc",
    "order_key",
    "to_utc",
]
