"""Every node model by label: the one place that knows the models of all graph/model modules."""

from __future__ import annotations

from graph.model.engagements import Engagement
from graph.model.exceptions import AuditException, Remediation
from graph.model.findings import Finding
from graph.model.labels import Label
from graph.model.nodes import Asset, Control, Criterion, Evidence, Framework, Threat, Vendor, _Node
from graph.model.samples import Sample

NodeModel = (
    Framework
    | Criterion
    | Control
    | Asset
    | Vendor
    | Evidence
    | Threat
    | Engagement
    | Sample
    | AuditException
    | Remediation
    | Finding
)

NODE_MODELS: dict[Label, type[_Node]] = {
    Label.FRAMEWORK: Framework,
    Label.CRITERION: Criterion,
    Label.CONTROL: Control,
    Label.ASSET: Asset,
    Label.VENDOR: Vendor,
    Label.EVIDENCE: Evidence,
    Label.THREAT: Threat,
    Label.ENGAGEMENT: Engagement,
    Label.SAMPLE: Sample,
    Label.AUDIT_EXCEPTION: AuditException,
    Label.REMEDIATION: Remediation,
    Label.FINDING: Finding,
}

LABEL_OF: dict[type[_Node], Label] = {model: label for label, model in NODE_MODELS.items()}
