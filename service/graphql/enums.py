"""The domain enums, registered with GraphQL under their own names (the classes stay the types)."""

from __future__ import annotations

import strawberry

from graph.model import (
    AssetKind,
    ChangeKind,
    ControlKind,
    ControlStatus,
    CoverageStatus,
    DependencyKind,
    EvidenceStatus,
    FindingStatus,
    Frequency,
    IdentifierKind,
    MappingRelationship,
    ReportKind,
    ReviewDecision,
    Severity,
)
from graph.rules.evaluation import EvidenceState

for _enum in (
    AssetKind,
    ChangeKind,
    ChangeKind,
    ControlKind,
    ControlStatus,
    CoverageStatus,
    DependencyKind,
    EvidenceState,
    EvidenceStatus,
    FindingStatus,
    Frequency,
    IdentifierKind,
    MappingRelationship,
    ReportKind,
    ReviewDecision,
    Severity,
):
    strawberry.enum(_enum)

MissingReason = EvidenceState

__all__ = [
    "AssetKind",
    "ChangeKind",
    "ControlKind",
    "ControlStatus",
    "CoverageStatus",
    "DependencyKind",
    "EvidenceStatus",
    "FindingStatus",
    "Frequency",
    "IdentifierKind",
    "MappingRelationship",
    "MissingReason",
    "ReportKind",
    "ReviewDecision",
    "Severity",
]
