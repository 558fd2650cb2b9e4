"""The graph model of DESIGN.md, described once (each name re-exported from its module here).

- `graph.model.nodes`: labels, relationship types, field enums and the node models;
- `graph.model.changes`: an asset's change history (`Change`), append-only;
- `graph.model.engagements`: the engagement (an audit) and its kind;
- `graph.model.model_cards`: a model asset's card (from a CycloneDX ML-BOM);
- `graph.model.exceptions`: audit exceptions and their remediation, append-only;
- `graph.model.registry`: every node model by label;
- `graph.model.edges`: relationships, and those with properties of their own (mappings, dependencies);
- `graph.model.ordering`: ids in natural order, and the order key the stores sort by.
"""

from __future__ import annotations

from graph.model.changes import (
    Change,
    ChangeKind,
    derived_change_id,
    latest_at_or_before,
    new_change_id,
    shorthand_change,
    with_id,
)
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
from graph.model.exceptions import (
    AuditException,
    ExceptionSeverity,
    Remediation,
    RemediationStatus,
    new_exception_id,
    new_remediation_id,
)
from graph.model.findings import Finding, FindingStatus, derived_finding_id
from graph.model.identifiers import AssetIdentifier, IdentifierKind, openlineage_identifier
from graph.model.labels import EDGE_ENDPOINTS, NODE_EDGE_FIELDS, Label, Rel
from graph.model.model_cards import (
    EthicalConsideration,
    FairnessAssessment,
    ModelCard,
    ModelCardDataset,
    PerformanceMetric,
)
from graph.model.nodes import (
    FREQUENCY_DAYS,
    MAX_CLOCK_SKEW,
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
    FindingPolicy,
    Framework,
    Frequency,
    MappingRelationship,
    Name,
    NodeId,
    ReportKind,
    ReviewDecision,
    Severity,
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
from graph.model.samples import DEFAULT_SAMPLE_SIZES, Sample, derived_sample_id

__all__ = [
    "DEFAULT_SAMPLE_SIZES",
    "EDGE_ENDPOINTS",
    "FREQUENCY_DAYS",
    "LABEL_OF",
    "MAX_CLOCK_SKEW",
    "NODE_EDGE_FIELDS",
    "NODE_MODELS",
    "Actor",
    "Asset",
    "AssetIdentifier",
    "AssetKind",
    "AuditException",
    "Change",
    "ChangeKind",
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
    "EthicalConsideration",
    "Evidence",
    "EvidenceReview",
    "EvidenceStatus",
    "ExceptionSeverity",
    "FairnessAssessment",
    "Finding",
    "FindingPolicy",
    "FindingStatus",
    "Framework",
    "Frequency",
    "IdentifierKind",
    "Label",
    "Link",
    "Mapping",
    "MappingRelationship",
    "ModelCard",
    "ModelCardDataset",
    "Name",
    "NodeId",
    "NodeModel",
    "PerformanceMetric",
    "Rel",
    "Remediation",
    "RemediationStatus",
    "ReportKind",
    "ReviewDecision",
    "Sample",
    "Severity",
    "Text",
    "Threat",
    "UtcDatetime",
    "Vendor",
    "after_key",
    "dependency_edge",
    "derived_change_id",
    "derived_finding_id",
    "derived_sample_id",
    "id_of_order_key",
    "latest_at_or_before",
    "latest_review",
    "mapping_edge",
    "natural_key",
    "new_change_id",
    "new_exception_id",
    "new_remediation_id",
    "node_edges",
    "now_utc",
    "openlineage_identifier",
    "order_key",
    "shorthand_change",
    "to_utc",
    "with_id",
]
