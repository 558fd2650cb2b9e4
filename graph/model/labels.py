"""Node labels and relationship types, and which labels each relationship joins (DESIGN.md
"Graph model"): the vocabulary every store and bundle shares."""

from __future__ import annotations

from enum import StrEnum


class Label(StrEnum):
    FRAMEWORK = "Framework"
    CRITERION = "Criterion"
    CONTROL = "Control"
    ASSET = "Asset"
    VENDOR = "Vendor"
    EVIDENCE = "Evidence"
    THREAT = "Threat"
    ENGAGEMENT = "Engagement"
    SAMPLE = "Sample"
    AUDIT_EXCEPTION = "AuditException"
    REMEDIATION = "Remediation"
    FINDING = "Finding"


class Rel(StrEnum):
    PART_OF = "PART_OF"
    CHILD_OF = "CHILD_OF"
    SATISFIES = "SATISFIES"
    MAPS_TO = "MAPS_TO"
    APPLIES_TO = "APPLIES_TO"
    DEPENDS_ON = "DEPENDS_ON"
    PROVIDED_BY = "PROVIDED_BY"
    RELIES_ON = "RELIES_ON"
    EVIDENCES = "EVIDENCES"
    COVERS = "COVERS"
    MITIGATES = "MITIGATES"
    SUPERSEDES = "SUPERSEDES"
    AFFECTS = "AFFECTS"


# (source label, target label) of every relationship type, exactly as DESIGN.md draws them.
EDGE_ENDPOINTS: dict[Rel, tuple[Label, Label]] = {
    Rel.PART_OF: (Label.CRITERION, Label.FRAMEWORK),
    Rel.CHILD_OF: (Label.CRITERION, Label.CRITERION),
    Rel.SATISFIES: (Label.CONTROL, Label.CRITERION),
    Rel.MAPS_TO: (Label.CRITERION, Label.CRITERION),
    Rel.APPLIES_TO: (Label.CONTROL, Label.ASSET),
    Rel.DEPENDS_ON: (Label.ASSET, Label.ASSET),
    Rel.PROVIDED_BY: (Label.ASSET, Label.VENDOR),
    Rel.RELIES_ON: (Label.CONTROL, Label.VENDOR),
    Rel.EVIDENCES: (Label.EVIDENCE, Label.CONTROL),
    Rel.COVERS: (Label.EVIDENCE, Label.ASSET),
    Rel.MITIGATES: (Label.CONTROL, Label.THREAT),
    Rel.SUPERSEDES: (Label.EVIDENCE, Label.EVIDENCE),
    Rel.AFFECTS: (Label.FINDING, Label.ASSET),
}


# The relationships a node carries as fields of its own (exactly one each): written as edges.
NODE_EDGE_FIELDS: dict[Label, dict[str, Rel]] = {
    Label.CRITERION: {"framework": Rel.PART_OF, "parent": Rel.CHILD_OF},
    Label.EVIDENCE: {"control": Rel.EVIDENCES, "supersedes": Rel.SUPERSEDES},
    Label.FINDING: {"asset": Rel.AFFECTS},
}
