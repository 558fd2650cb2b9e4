"""The read side of the API: lookups and the compliance questions."""

from __future__ import annotations

import strawberry

from graph import queries
from graph.queries.evidence_gaps import control_period
from graph.queries.vendor_lapse import vendor_lapse
from service.graphql.blast_radius_report import BlastRadius
from service.graphql.changes import Change, change_connection
from service.graphql.coverage_report import CoverageReport
from service.graphql.crosswalk_report import CrosswalkReport
from service.graphql.engagements import EngagementQuery
from service.graphql.enums import AssetKind, ControlStatus, FindingStatus, Severity
from service.graphql.evidence_reports import ControlPeriod, EvidenceGapsReport, MissingEvidenceReport
from service.graphql.exceptions import ExceptionQuery
from service.graphql.finding_pages import finding_connection
from service.graphql.identifiers import IdentifierQuery
from service.graphql.impact_report import ImpactReport, VendorLapseReport
from service.graphql.inputs import ChangeInput
from service.graphql.loading import GqlInfo, load_node, node_connection
from service.graphql.model_types import convert
from service.graphql.nodes import Asset, Control, Criterion, Evidence, Finding, Framework, Threat, Vendor
from service.graphql.pagination import Connection
from service.graphql.samples import SampleQuery
from service.graphql.scalars import DateTime
from service.graphql.security import SecurityQuery
from service.graphql.threats import ThreatView


@strawberry.type
class Query(SecurityQuery, EngagementQuery, SampleQuery, ExceptionQuery, IdentifierQuery):
    @strawberry.field
    async def frameworks(
        self, info: GqlInfo, first: int | None = None, after: str | None = None
    ) -> Connection[Framework]:
        return await node_connection(info, Framework, first, after)

    @strawberry.field
    async def framework(self, info: GqlInfo, id: strawberry.ID) -> Framework | None:
        return await load_node(info, Framework, id)

    @strawberry.field
    async def criterion(self, info: GqlInfo, id: strawberry.ID) -> Criterion | None:
        return await load_node(info, Criterion, id)

    @strawberry.field
    async def controls(
        self,
        info: GqlInfo,
        first: int | None = None,
        after: str | None = None,
        status: ControlStatus | None = None,
        domain: str | None = None,
    ) -> Connection[Control]:
        where = {k: v for k, v in (("status", status.value if status else None), ("domain", domain)) if v is not None}
        return await node_connection(info, Control, first, after, where or None)

    @strawberry.field
    async def control(self, info: GqlInfo, id: strawberry.ID) -> Control | None:
        return await load_node(info, Control, id)

    @strawberry.field
    async def assets(
        self, info: GqlInfo, first: int | None = None, after: str | None = None, kind: AssetKind | None = None
    ) -> Connection[Asset]:
        return await node_connection(info, Asset, first, after, {"kind": kind.value} if kind else None)

    @strawberry.field
    async def asset(self, info: GqlInfo, id: strawberry.ID) -> Asset | None:
        return await load_node(info, Asset, id)

    @strawberry.field(description="An asset's change history, newest first.")
    async def changes(
        self, info: GqlInfo, asset: strawberry.ID, first: int | None = None, after: str | None = None
    ) -> Connection[Change]:
        return await change_connection(info, asset, first, after)

    @strawberry.field(
        description="Scanner findings in natural order of id: of `asset` (null: every asset's), of one of "
        "`severity` (null or empty: any), `status` open or fixed (null: both)."
    )
    async def findings(
        self,
        info: GqlInfo,
        asset: strawberry.ID | None = None,
        severity: list[Severity] | None = None,
        status: FindingStatus | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Finding]:
        return await finding_connection(info, Finding, asset, severity, status, first, after)

    @strawberry.field
    async def vendors(self, info: GqlInfo, first: int | None = None, after: str | None = None) -> Connection[Vendor]:
        return await node_connection(info, Vendor, first, after)

    @strawberry.field
    async def vendor(self, info: GqlInfo, id: strawberry.ID) -> Vendor | None:
        return await load_node(info, Vendor, id)

    @strawberry.field
    async def evidence(self, info: GqlInfo, id: strawberry.ID) -> Evidence | None:
        return await load_node(info, Evidence, id)

    @strawberry.field
    async def threats(self, info: GqlInfo, first: int | None = None, after: str | None = None) -> Connection[Threat]:
        return await node_connection(info, Threat, first, after)

    @strawberry.field(description="Which criteria of a framework are met at `asOf` (default: now).")
    async def coverage(
        self,
        info: GqlInfo,
        framework: strawberry.ID,
        as_of: DateTime | None = None,
    ) -> CoverageReport:
        report = await info.context.call(queries.coverage, info.context.store, framework, info.context.as_of(as_of))
        return CoverageReport.of(report)

    @strawberry.field(description="What a change or compromise of `asset` touches.")
    async def blast_radius(self, info: GqlInfo, asset: strawberry.ID, max_depth: int | None = None) -> BlastRadius:
        result = await info.context.call(queries.blast_radius, info.context.store, asset, max_depth)
        return BlastRadius.of(result)

    @strawberry.field(description="Implemented controls lacking valid, current evidence at `asOf` (default: now).")
    async def missing_evidence(
        self,
        info: GqlInfo,
        framework: strawberry.ID | None = None,
        as_of: DateTime | None = None,
    ) -> MissingEvidenceReport:
        report = await info.context.call(
            queries.missing_evidence, info.context.store, info.context.as_of(as_of), framework
        )
        return MissingEvidenceReport.of(report)

    @strawberry.field(description="Type II: each control's expected intervals over [start, end) and the gaps.")
    async def evidence_gaps(
        self,
        info: GqlInfo,
        start: DateTime,
        end: DateTime,
        framework: strawberry.ID | None = None,
    ) -> EvidenceGapsReport:
        report = await info.context.call(queries.evidence_gaps, info.context.store, start, end, framework)
        return EvidenceGapsReport.of(report)

    @strawberry.field(
        description="Type II: one control's expected intervals over [start, end) and its gaps; null for a control "
        "that is not implemented (it expects no evidence of its own)."
    )
    async def control_period(
        self, info: GqlInfo, control: strawberry.ID, start: DateTime, end: DateTime
    ) -> ControlPeriod | None:
        period = await info.context.call(control_period, info.context.store, control, start, end)
        return convert(ControlPeriod, period) if period else None

    @strawberry.field(description="The requirements of `target` that those of `source` map to.")
    async def crosswalk(self, info: GqlInfo, source: strawberry.ID, target: strawberry.ID) -> CrosswalkReport:
        report = await info.context.call(queries.crosswalk, info.context.store, source, target)
        return CrosswalkReport.of(report)

    @strawberry.field(description="What recording `change` would do. Writes nothing.")
    async def impact(self, info: GqlInfo, change: ChangeInput) -> ImpactReport:
        report = await info.context.call(queries.impact, info.context.store, change.request())
        return ImpactReport.of(report)

    @strawberry.field(
        description="What `vendor`'s report lapsing at `asOf` (default: now) would cost: its carved-out "
        "controls that stop being effective and the criteria that flip, per framework. Writes nothing."
    )
    async def vendor_lapse(
        self, info: GqlInfo, vendor: strawberry.ID, as_of: DateTime | None = None
    ) -> VendorLapseReport:
        report = await info.context.call(vendor_lapse, info.context.store, vendor, info.context.as_of(as_of))
        return VendorLapseReport.of(report)

    @strawberry.field(
        description="ATLAS techniques aimed at `asset`'s kind (no asset: at the organisation's assets) and "
        "whether effective controls mitigate them at `asOf` (default: now)."
    )
    async def threat_view(
        self, info: GqlInfo, asset: strawberry.ID | None = None, as_of: DateTime | None = None
    ) -> ThreatView:
        view = await info.context.call(queries.threat_view, info.context.store, info.context.as_of(as_of), asset)
        return ThreatView.of(view)
