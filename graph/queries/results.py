"""Typed results of the queries, shared by both stores, the API and the CLI."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from graph.model import (
    AssetKind,
    ChangeKind,
    ControlStatus,
    CoverageStatus,
    MappingRelationship,
    UtcDatetime,
)
from graph.rules.evaluation import EvidenceState


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class ControlFinding(_Result):
    """One satisfying control of a criterion and why it does or does not carry it."""

    control_id: str
    title: str
    status: ControlStatus
    effective: bool
    reason: str


class CrosswalkCandidate(_Result):
    """A neighbour criterion whose status flows through a MAPS_TO edge (read as "neighbour is rel")."""

    criterion_id: str
    relationship: MappingRelationship
    neighbour_status: CoverageStatus
    candidate: CoverageStatus


class CriterionCoverage(_Result):
    criterion_id: str
    ref: str
    title: str
    category: str
    parent: str | None
    is_leaf: bool
    assessable: bool = Field(description="Counted in coverage; a criterion that is not rolls up over those below it.")
    status: CoverageStatus
    carved_out: bool = Field(
        default=False,
        description="True when every control counting as implemented is carved out to vendors "
        "(DESIGN.md 'Carved-out control'); direct status only.",
    )
    derived: bool = Field(description="True when the status comes through the crosswalk.")
    reason: str
    controls: list[ControlFinding]
    via: list[CrosswalkCandidate]


class StatusCounts(_Result):
    total: int
    covered: int
    partial: int
    uncovered: int


class CategoryCounts(StatusCounts):
    category: str


class CoverageReport(_Result):
    framework: str
    as_of: UtcDatetime
    criteria: list[CriterionCoverage]
    totals: StatusCounts
    by_category: list[CategoryCounts]


class AffectedAsset(_Result):
    asset_id: str
    distance: int


class BlastRadius(_Result):
    asset_id: str
    max_depth: int | None
    assets: list[AffectedAsset]
    controls: list[str]
    criteria: list[str]
    frameworks: list[str]
    vendors: list[str]
    evidence: list[str]


class MissingEvidenceRow(_Result):
    control_id: str
    asset_id: str | None
    reason: EvidenceState
    since: UtcDatetime | None
    vendor_id: str | None = Field(
        default=None, description="The vendor without a valid report (VENDOR_REPORT_* rows of a carved-out control)."
    )
    finding_id: str | None = Field(
        default=None, description="OPEN_FINDINGS rows: the asset's oldest overdue finding (`since`: its first_seen)."
    )
    finding_age_days: int | None = Field(default=None, description="OPEN_FINDINGS rows: whole days it has been open.")


class MissingEvidenceReport(_Result):
    framework: str | None
    as_of: UtcDatetime
    rows: list[MissingEvidenceRow]


class GapInterval(_Result):
    start: UtcDatetime
    end: UtcDatetime
    evidence_count: int = Field(
        description="Accepted, current items that operate the interval: collected inside it or observing part of it."
    )

    @property
    def is_gap(self) -> bool:
        return self.evidence_count == 0


class ControlPeriod(_Result):
    control_id: str
    frequency: str
    intervals: list[GapInterval]
    gaps: int


class EvidenceGapsReport(_Result):
    framework: str | None
    start: UtcDatetime
    end: UtcDatetime
    controls: list[ControlPeriod]


class CrosswalkRow(_Result):
    """One mapping oriented from the source framework: `source` is `relationship` of `target`."""

    source: str
    target: str
    relationship: MappingRelationship
    strength: int
    rationale: str
    inverted: bool = Field(description="True when the stored edge points from target to source.")


class CrosswalkReport(_Result):
    source_framework: str
    target_framework: str
    rows: list[CrosswalkRow]


class StatusChange(_Result):
    criterion_id: str
    before: CoverageStatus
    after: CoverageStatus


class FrameworkDelta(_Result):
    framework: str
    changes: list[StatusChange]
    before: StatusCounts
    after: StatusCounts


class StaleEvidence(_Result):
    evidence_id: str
    control_id: str
    asset_id: str


class ImpactReport(_Result):
    asset_id: str
    at: UtcDatetime
    propagate: bool
    recorded: bool
    assets: list[str]
    stale_evidence: list[StaleEvidence]
    frameworks: list[FrameworkDelta]


class ChangeRequest(_Result):
    asset_id: str
    at: UtcDatetime
    propagate: bool = True
    kind: ChangeKind = ChangeKind.OTHER
    note: str | None = None
    recorded_by: str | None = None  # the caller's actor; none: the audited write's, if any


class ControlVerdict(_Result):
    """Whether a control is effective at T, and how its (control, asset) pairs fail if not."""

    control_id: str
    status: ControlStatus
    assets: int = Field(description="How many assets the control applies to.")
    failing: dict[EvidenceState, int] = Field(description="Failing (control, asset) pairs per reason.")

    @property
    def effective(self) -> bool:
        return self.status.counts_as_implemented and not self.failing


class ControlAssetState(_Result):
    """Where a control stands for one asset it applies to (asset None: it applies to none), or,
    carved out, for one vendor it relies on (`vendor_id`; asset None). OPEN_FINDINGS: `finding_id`
    is the oldest overdue finding and `since` its first_seen."""

    control_id: str
    asset_id: str | None
    state: EvidenceState
    since: datetime | None
    vendor_id: str | None = None
    finding_id: str | None = None


class Neighbourhood(_Result):
    controls: list[str]
    criteria: list[str]
    frameworks: list[str]
    vendors: list[str]
    evidence: list[str]


class Radius(_Result):
    """What a store answers for a blast radius (`GraphStore.blast_radius`): the asset at 0 and its
    dependents at their shortest distance, in order of distance then natural order of id, and
    the neighbourhood of all of them."""

    distances: dict[str, int]
    around: Neighbourhood


class EvidenceTimes(_Result):
    control_id: str
    collected: list[UtcDatetime]


class MitigationStatus(StrEnum):
    """Where an ATLAS technique stands against the controls in scope (see graph.queries.threats)."""

    MITIGATED = "MITIGATED"
    PARTIAL = "PARTIAL"
    UNMITIGATED = "UNMITIGATED"


class MitigatingControl(_Result):
    """A control that MITIGATES the technique and is in scope of at least one asset it was judged for."""

    control_id: str
    title: str
    status: ControlStatus
    effective: bool
    organisation_wide: bool = Field(description="True when the control applies to no asset, so to every asset.")
    mitigates: str = Field(description="The technique its MITIGATES edge names: this one, or its parent technique.")


class AssetExposure(_Result):
    """One asset's standing against one technique: the in-scope mitigating controls decide it."""

    asset_id: str
    kind: AssetKind
    status: MitigationStatus
    controls: list[str] = Field(description="Mitigating controls in the asset's scope, effective ones first.")


class TechniqueExposure(_Result):
    threat_id: str
    name: str
    tactic: str
    asset_kinds: list[AssetKind]
    status: MitigationStatus
    controls: list[MitigatingControl]
    assets: list[AssetExposure]


class ThreatView(_Result):
    asset_id: str | None = Field(description="The asset viewed, or None for the whole organisation.")
    as_of: UtcDatetime
    techniques: list[TechniqueExposure]
    mitigated: int
    partial: int
    unmitigated: int


class AcceptedItem(_Result):
    """One accepted, non-superseded evidence item of a control, as a population needs it."""

    evidence_id: str
    collected_at: datetime
    period_start: datetime | None = None
    period_end: datetime | None = None
    covers: list[str] = Field(default_factory=list, description="Its scope (sorted); empty: all the control's assets.")


class VendorLapseReport(_Result):
    """What a vendor's report lapsing at an instant would cost (`vendor_lapse`)."""

    vendor_id: str
    at: UtcDatetime
    controls: list[str] = Field(description="Carved-out controls relying on the vendor, effective before, not after.")
    frameworks: list[FrameworkDelta]
