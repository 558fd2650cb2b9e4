"""The enums of node fields, and the node models.

Every node is a frozen pydantic model whose fields each carry a description (labels and
relationship types: graph/model/labels.py). The stores derive their writes,
constraints and indexes from `NODE_MODELS` (graph/model/registry.py, with the node models of
other modules) and `EDGE_ENDPOINTS`; the bundle format, its JSON Schema and the GraphQL types
derive from the same models.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from graph.model.identifiers import AssetIdentifier
from graph.model.model_cards import ModelCard


def to_utc(value: datetime) -> datetime:
    """Times are compared as UTC instants; keep them in UTC from the boundary on."""
    return value.astimezone(UTC)


UtcDatetime = Annotated[AwareDatetime, AfterValidator(to_utc)]

# Ids are stable keys typed by people: printable, no surrounding space, bounded.
_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 ._:/()\-]*$"
NodeId = Annotated[str, Field(min_length=1, max_length=200, pattern=_ID_PATTERN)]
Text = Annotated[str, Field(max_length=10_000)]
Name = Annotated[str, Field(min_length=1, max_length=500)]
Actor = Annotated[str, Field(min_length=1, max_length=500)]  # as the audit log names them

# How far past the server's clock a recorded instant may lie (clocks of collectors drift a little).
MAX_CLOCK_SKEW = timedelta(minutes=5)


class ControlStatus(StrEnum):
    IMPLEMENTED = "implemented"
    PLANNED = "planned"
    NOT_APPLICABLE = "not_applicable"
    CARVED_OUT = "carved_out"  # operated by the vendors it RELIES_ON; their reports stand in for evidence

    @property
    def counts_as_implemented(self) -> bool:
        return self in (ControlStatus.IMPLEMENTED, ControlStatus.CARVED_OUT)


class ReportKind(StrEnum):
    """The kind of a subservice organisation's attestation report."""

    SOC2_TYPE1 = "soc2_type1"
    SOC2_TYPE2 = "soc2_type2"
    ISO27001 = "iso27001"
    OTHER = "other"


class Frequency(StrEnum):
    CONTINUOUS = "continuous"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SEMIANNUAL = "semiannual"
    ANNUAL = "annual"

    @property
    def interval(self) -> timedelta:
        """How long one piece of evidence lasts, and the length of one Type II interval."""
        return timedelta(days=FREQUENCY_DAYS[self])


FREQUENCY_DAYS: dict[Frequency, int] = {
    Frequency.CONTINUOUS: 1,
    Frequency.DAILY: 1,
    Frequency.WEEKLY: 7,
    Frequency.MONTHLY: 31,
    Frequency.QUARTERLY: 92,
    Frequency.SEMIANNUAL: 183,
    Frequency.ANNUAL: 366,
}


class Severity(StrEnum):
    """A scanner finding's severity (Nessus reports 0-4 as info, low, medium, high, critical)."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


# A control's finding policy: the most days a finding of each severity may stay open on an asset
# the control applies to (DESIGN.md "Findings"); a severity left out has no limit.
FindingPolicy = dict[Severity, Annotated[int, Field(ge=0, le=3650)]]


class ControlKind(StrEnum):
    PREVENTIVE = "preventive"
    DETECTIVE = "detective"
    CORRECTIVE = "corrective"


class EvidenceStatus(StrEnum):
    ACCEPTED = "accepted"
    PENDING = "pending"
    REJECTED = "rejected"


class ReviewDecision(StrEnum):
    """What a review of an evidence item decides; the latest review sets the item's status."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"

    @property
    def status(self) -> EvidenceStatus:
        return EvidenceStatus(self.value)


class AssetKind(StrEnum):
    MODEL = "model"
    DATASET = "dataset"
    ENDPOINT = "endpoint"
    PIPELINE = "pipeline"
    INFRASTRUCTURE = "infrastructure"
    SERVICE = "service"
    REPOSITORY = "repository"


class DependencyKind(StrEnum):
    TRAINED_ON = "trained_on"
    SERVES = "serves"
    HOSTED_ON = "hosted_on"
    DERIVED_FROM = "derived_from"
    STORES = "stores"
    CALLS = "calls"


class MappingRelationship(StrEnum):
    """NIST IR 8477 set-theory relationships: the source element *is* this of the target."""

    EQUAL = "equal"
    SUBSET_OF = "subset_of"
    SUPERSET_OF = "superset_of"
    INTERSECTS_WITH = "intersects_with"

    def inverted(self) -> MappingRelationship:
        """The same edge read from the target's side."""
        return _INVERSE.get(self, self)


_INVERSE = {
    MappingRelationship.SUBSET_OF: MappingRelationship.SUPERSET_OF,
    MappingRelationship.SUPERSET_OF: MappingRelationship.SUBSET_OF,
}


class CoverageStatus(StrEnum):
    UNCOVERED = "UNCOVERED"
    PARTIAL = "PARTIAL"
    COVERED = "COVERED"

    @property
    def rank(self) -> int:
        return _STATUS_RANK[self]


_STATUS_RANK = {CoverageStatus.UNCOVERED: 0, CoverageStatus.PARTIAL: 1, CoverageStatus.COVERED: 2}


class _Node(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)

    id: NodeId = Field(description="Stable key of the node, unique within its label.")


class Framework(_Node):
    name: Name = Field(description="The framework's name as its publisher writes it.")
    version: Annotated[str, Field(max_length=100)] = Field(default="", description="Edition or revision.")
    publisher: Annotated[str, Field(max_length=200)] = Field(default="", description="Who publishes it.")
    license_note: Text = Field(default="", description="Terms under which its text is reproduced.")


class Criterion(_Node):
    """One requirement; `framework` and `parent` are its PART_OF and CHILD_OF edges."""

    ref: Name = Field(description="The criterion's reference within its framework, e.g. CC6.1.")
    title: Name = Field(description="Short name of the requirement.")
    framework: NodeId = Field(description="The framework it is PART_OF.")
    category: Annotated[str, Field(max_length=200)] = Field(default="", description="Grouping used in reports.")
    description: Text = Field(default="", description="What the requirement asks for.")
    parent: NodeId | None = Field(default=None, description="The criterion it is a CHILD_OF; none at the top.")
    assessable: bool | None = Field(
        default=None,
        description="Whether it states a requirement of its own and counts in coverage: as its catalog says, "
        "else (unset) exactly when it has no children.",
    )


class Control(_Node):
    title: Name = Field(description="Short name of the control.")
    description: Text = Field(default="", description="What the control does and how.")
    domain: Annotated[str, Field(max_length=200)] = Field(default="", description="Area it belongs to.")
    owner: Annotated[str, Field(max_length=200)] = Field(default="", description="Who answers for it.")
    status: ControlStatus = Field(default=ControlStatus.IMPLEMENTED, description="Whether it is in place.")
    frequency: Frequency = Field(default=Frequency.QUARTERLY, description="How often it operates.")
    kind: ControlKind = Field(default=ControlKind.PREVENTIVE, description="Prevents, detects or corrects.")
    automated: bool = Field(default=False, description="Operated by a system, which may record accepted evidence.")
    expected_evidence: Annotated[list[Annotated[str, Field(min_length=1, max_length=500)]], Field(max_length=50)] = (
        Field(default_factory=list, description="What an auditor expects to see: kinds and examples.")
    )
    finding_policy: FindingPolicy | None = Field(
        default=None,
        description="Most days a scanner finding of each severity may stay open on an asset the control applies "
        "to (e.g. critical 15, high 30); while one is overdue the control is not effective for that asset. "
        "None: findings do not affect it.",
    )

    @field_validator("finding_policy", mode="before")
    @classmethod
    def _policy_from_text(cls, policy: object) -> object:
        # A store without map properties (Neo4j) keeps the mapping as its JSON text.
        return json.loads(policy) if isinstance(policy, str) else policy


class Asset(_Node):
    kind: AssetKind = Field(description="What sort of asset it is.")
    name: Name = Field(description="Human-readable name.")
    owner: Annotated[str, Field(max_length=200)] = Field(default="", description="Who answers for it.")
    environment: Annotated[str, Field(max_length=100)] = Field(default="", description="e.g. production.")
    classification: Annotated[str, Field(max_length=100)] = Field(default="", description="Data sensitivity.")
    criticality: Annotated[str, Field(max_length=100)] = Field(default="", description="How much depends on it.")
    changed_at: UtcDatetime | None = Field(
        default=None,
        description="When it last changed (its latest Change at or before now); written, one Change at this instant.",
    )
    identifiers: list[AssetIdentifier] = Field(
        default_factory=list, max_length=100, description="What other tools know it by; each unique across assets."
    )
    model_card: ModelCard | None = Field(
        default=None, description="A model's card as its ML-BOM gives it (imported from CycloneDX); none: no card."
    )


class Vendor(_Node):
    name: Name = Field(description="The subservice organisation's name.")
    service: Annotated[str, Field(max_length=500)] = Field(default="", description="What it provides.")
    risk_tier: Annotated[str, Field(max_length=100)] = Field(default="", description="Its tier in vendor review.")
    report_kind: ReportKind | None = Field(default=None, description="The kind of its report, if it has one.")
    report_valid_until: UtcDatetime | None = Field(
        default=None, description="When its SOC 2 (or other) report stops standing in for evidence."
    )


_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class Evidence(_Node):
    """Proof that `control` operated; `control` is its EVIDENCES edge."""

    title: Name = Field(description="Short name of the evidence item.")
    control: NodeId = Field(description="The control it EVIDENCES.")
    kind: Annotated[str, Field(max_length=100)] = Field(default="", description="e.g. screenshot, export.")
    collected_at: UtcDatetime = Field(description="When it was collected: it speaks from then on.")
    valid_until: UtcDatetime | None = Field(
        default=None, description="When it stops being valid; none: collected_at plus its control's frequency."
    )
    status: EvidenceStatus = Field(
        default=EvidenceStatus.PENDING, description="As recorded until reviewed; then the latest review's decision."
    )
    uri: Annotated[str, Field(max_length=2000)] = Field(default="", description="Where the evidence file lives.")
    sha256: Annotated[str, Field(pattern=_SHA256.pattern)] | None = Field(
        default=None, description="SHA-256 (hex) of the evidence file."
    )
    period_start: UtcDatetime | None = Field(
        default=None,
        description="Start of the span the item observed (a monitoring export, a check's history); "
        "given with period_end.",
    )
    period_end: UtcDatetime | None = Field(
        default=None,
        validate_default=True,
        description="End (exclusive) of the span the item observed: later than period_start, at most "
        "collected_at plus the allowed clock skew.",
    )
    supersedes: NodeId | None = Field(
        default=None,
        description="The evidence item this one corrects; the old one stays on record but no longer counts.",
    )
    recorded_by: Actor | None = Field(default=None, description="Who recorded the item (no reviewer may be them).")
    recorded_at: UtcDatetime | None = Field(default=None, description="When the item was recorded.")

    @field_validator("valid_until")
    @classmethod
    def _window_is_forward(cls, valid_until: datetime | None, info: ValidationInfo) -> datetime | None:
        collected_at = info.data.get("collected_at")
        if valid_until is not None and collected_at is not None and valid_until <= collected_at:
            raise ValueError("must be later than collected_at")
        return valid_until

    @field_validator("period_end")
    @classmethod
    def _period_is_observed(cls, period_end: datetime | None, info: ValidationInfo) -> datetime | None:
        # An item can only have observed what happened before it was collected (give or take skew).
        start, collected_at = info.data.get("period_start"), info.data.get("collected_at")
        if period_end is None:
            if start is not None:
                raise ValueError("is required when period_start is given")
            return None
        if start is None:
            if "period_start" in info.data:
                raise ValueError("needs period_start: an observation period has both ends")
            return period_end
        if period_end <= start:
            raise ValueError("must be later than period_start")
        if collected_at is not None and period_end > collected_at + MAX_CLOCK_SKEW:
            minutes = int(MAX_CLOCK_SKEW.total_seconds() // 60)
            raise ValueError(
                f"must be at most {minutes} minutes past collected_at: an item observes what came before it"
            )
        return period_end


class EvidenceReview(BaseModel):
    """One review of an evidence item, appended and never edited: the latest (by `at`, then by the
    order of recording) sets the item's status, whatever instant a question is about."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    evidence: NodeId = Field(description="The evidence item reviewed.")
    decision: ReviewDecision = Field(description="Accepted or rejected.")
    note: Text = Field(default="", description="Why, in the reviewer's words.")
    reviewer: Actor = Field(description="The actor who reviewed, as the audit log names them.")
    at: UtcDatetime = Field(description="When the review was made.")


def latest_review(reviews: list[EvidenceReview]) -> EvidenceReview | None:
    """The review that wins among an item's reviews listed in the order they were recorded."""
    return max(reversed(reviews), key=lambda r: r.at, default=None) if reviews else None


class Threat(_Node):
    name: Name = Field(description="The technique's name, e.g. as MITRE ATLAS gives it.")
    tactic: Annotated[str, Field(max_length=200)] = Field(default="", description="Its tactics, ';'-separated.")
    asset_kinds: Annotated[list[AssetKind], Field(max_length=len(AssetKind))] = Field(
        default_factory=list,
        description="The kinds of asset the technique targets; empty means it is not tied to a kind.",
    )

    @field_validator("asset_kinds")
    @classmethod
    def _kinds_once(cls, kinds: list[AssetKind]) -> list[AssetKind]:
        if len(set(kinds)) != len(kinds):
            raise ValueError("names a kind more than once")
        return kinds


# Edges stored as properties of a node model (one per node, so the node carries it).


def now_utc() -> datetime:
    return datetime.now(UTC)
