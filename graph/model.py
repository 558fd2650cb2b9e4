"""The graph model of DESIGN.md, described once.

Every node label and relationship type is an enum member here, and every node is a frozen
pydantic model. The stores derive their writes, constraints and indexes from `NODE_MODELS` and
`EDGE_ENDPOINTS`; the bundle format and its JSON Schema derive from the same models.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)


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


class Label(StrEnum):
    FRAMEWORK = "Framework"
    CRITERION = "Criterion"
    CONTROL = "Control"
    ASSET = "Asset"
    VENDOR = "Vendor"
    EVIDENCE = "Evidence"
    THREAT = "Threat"


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
}


class ControlStatus(StrEnum):
    IMPLEMENTED = "implemented"
    PLANNED = "planned"
    NOT_APPLICABLE = "not_applicable"


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

    id: NodeId


class Framework(_Node):
    name: Name
    version: Annotated[str, Field(max_length=100)] = ""
    publisher: Annotated[str, Field(max_length=200)] = ""
    license_note: Text = ""


class Criterion(_Node):
    """One requirement; `framework` and `parent` are its PART_OF and CHILD_OF edges."""

    ref: Name
    title: Name
    framework: NodeId
    category: Annotated[str, Field(max_length=200)] = ""
    description: Text = ""
    parent: NodeId | None = None
    assessable: bool | None = Field(
        default=None,
        description="Whether it states a requirement of its own and counts in coverage; "
        "unset: exactly when it has no children.",
    )


class Control(_Node):
    title: Name
    description: Text = ""
    domain: Annotated[str, Field(max_length=200)] = ""
    owner: Annotated[str, Field(max_length=200)] = ""
    status: ControlStatus = ControlStatus.IMPLEMENTED
    frequency: Frequency = Frequency.QUARTERLY
    kind: ControlKind = ControlKind.PREVENTIVE
    automated: bool = False
    expected_evidence: Annotated[list[Annotated[str, Field(min_length=1, max_length=500)]], Field(max_length=50)] = (
        Field(default_factory=list, description="What an auditor expects to see: kinds and examples.")
    )


class Asset(_Node):
    kind: AssetKind
    name: Name
    owner: Annotated[str, Field(max_length=200)] = ""
    environment: Annotated[str, Field(max_length=100)] = ""
    classification: Annotated[str, Field(max_length=100)] = ""
    criticality: Annotated[str, Field(max_length=100)] = ""
    changed_at: UtcDatetime | None = None


class Vendor(_Node):
    name: Name
    service: Annotated[str, Field(max_length=500)] = ""
    risk_tier: Annotated[str, Field(max_length=100)] = ""
    report_valid_until: UtcDatetime | None = None


_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class Evidence(_Node):
    """Proof that `control` operated; `control` is its EVIDENCES edge."""

    title: Name
    control: NodeId
    kind: Annotated[str, Field(max_length=100)] = ""
    collected_at: UtcDatetime
    valid_until: UtcDatetime | None = None
    status: EvidenceStatus = EvidenceStatus.PENDING
    uri: Annotated[str, Field(max_length=2000)] = ""
    sha256: Annotated[str, Field(pattern=_SHA256.pattern)] | None = None
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


class EvidenceReview(BaseModel):
    """One review of an evidence item, appended and never edited: the latest (by `at`, then by the
    order of recording) sets the item's status, whatever instant a question is about."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    evidence: NodeId
    decision: ReviewDecision
    note: Text = ""
    reviewer: Actor
    at: UtcDatetime


def latest_review(reviews: list[EvidenceReview]) -> EvidenceReview | None:
    """The review that wins among an item's reviews listed in the order they were recorded."""
    return max(reversed(reviews), key=lambda r: r.at, default=None) if reviews else None


class Threat(_Node):
    name: Name
    tactic: Annotated[str, Field(max_length=200)] = ""
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


NodeModel = Framework | Criterion | Control | Asset | Vendor | Evidence | Threat

NODE_MODELS: dict[Label, type[_Node]] = {
    Label.FRAMEWORK: Framework,
    Label.CRITERION: Criterion,
    Label.CONTROL: Control,
    Label.ASSET: Asset,
    Label.VENDOR: Vendor,
    Label.EVIDENCE: Evidence,
    Label.THREAT: Threat,
}

LABEL_OF: dict[type[_Node], Label] = {model: label for label, model in NODE_MODELS.items()}

# Edges stored as properties of a node model (one per node, so the node carries it).
NODE_EDGE_FIELDS: dict[Label, dict[str, Rel]] = {
    Label.CRITERION: {"framework": Rel.PART_OF, "parent": Rel.CHILD_OF},
    Label.EVIDENCE: {"control": Rel.EVIDENCES, "supersedes": Rel.SUPERSEDES},
}


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


def now_utc() -> datetime:
    return datetime.now(UTC)


_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Order ids as people read them: CC1.2 before CC1.10, A.5.9 before A.5.10."""
    return tuple((1, int(part)) if part.isdigit() else (0, part) for part in _DIGITS.split(text) if part)


# The order key: `natural_key(id)` encoded so that plain string order (what Cypher's ORDER BY and
# range indexes use) equals tuple order. Ids are ASCII from space (0x20) up (see _ID_PATTERN),
# so the control characters below sort before any id character.
_TEXT, _NUMBER = "A", "B"  # a text part sorts before a number part at the same position
_TEXT_END = "\x1f"  # ends a text part: "ab" < "abc" must survive concatenation
_TIE = "\x1e"  # before the raw id, which breaks ties between ids of equal natural key (x1 / x01)


def _parts(text: str) -> str:
    encoded = []
    for part in _DIGITS.split(text):
        if not part:
            continue
        if part.isdigit():
            digits = part.lstrip("0") or "0"
            # Length first (fixed width), so a longer number sorts after a shorter one.
            encoded.append(f"{_NUMBER}{len(digits):03d}{digits}")
        else:
            encoded.append(f"{_TEXT}{part}{_TEXT_END}")
    return "".join(encoded)


def order_key(node_id: str) -> str:
    """The stored order key of `node_id`: natural order, ties broken by the id itself."""
    return f"{_parts(node_id)}{_TIE}{node_id}"


def after_key(node_id: str) -> str:
    """A bound above every order key whose natural key equals `natural_key(node_id)` and below every
    greater one, so `key > after_key(x)` means `natural_key(id) > natural_key(x)` exactly."""
    return f"{_parts(node_id)}{_TEXT_END}"


def id_of_order_key(key: str) -> str:
    """The id an `order_key` ends in."""
    return key.rpartition(_TIE)[2]
