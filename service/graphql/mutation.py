"""The write side of the API: each mutation is one all-or-nothing store write."""

from __future__ import annotations

from typing import Any

import strawberry

from graph import queries
from graph.access.keys import Role
from graph.checks.append_only import RecordConflict
from graph.checks.write_rules import may_record_accepted
from graph.errors import FieldProblem, ForbiddenError, InvalidInputError, NotFoundError
from graph.model import Asset as AssetModel
from graph.model import Control as ControlModel
from graph.model import EvidenceStatus, Label, ReviewDecision, now_utc
from service.graphql.engagements import EngagementMutation
from service.graphql.errors import camel_path
from service.graphql.exceptions import ExceptionMutation
from service.graphql.impact_report import ImpactReport
from service.graphql.inputs import (
    AssetInput,
    ChangeInput,
    ControlInput,
    DependencyInput,
    EvidenceInput,
    VendorInput,
    check_batch,
    properties,
    to_bundle,
)
from service.graphql.loading import GqlInfo, N, load_nodes
from service.graphql.nodes import Asset, Control, Evidence, Vendor
from service.graphql.samples import SampleMutation
from service.graphql.security import SecurityMutation


async def _write(info: GqlInfo, data: dict[str, Any]) -> None:
    bundle = to_bundle(data)
    try:
        await info.context.call(info.context.store.write, bundle, immutable_evidence=True)
    except RecordConflict as conflict:
        principal = info.context.principal
        if principal is None or not principal.reads_graph:
            # An evidence-collector may record evidence but not read it: name the field, not its value.
            conflict = conflict.withholding_stored_values()
        raise type(conflict)(camel_path(conflict.field), conflict.reason) from None
    info.context.loaders.forget()


async def _reload(info: GqlInfo, cls: type[N], ids: list[str]) -> list[N]:
    """Read back what was written (the loaders forgot what they saw before the write)."""
    return await load_nodes(info, cls, ids)


async def _check_collector_status(info: GqlInfo, evidence: EvidenceInput) -> None:
    """An evidence-collector records evidence pending review; only a control's own automation
    (`automated: true`) may have its evidence recorded accepted (DESIGN.md "Evidence review")."""
    principal = info.context.principal
    if evidence.status is EvidenceStatus.PENDING or principal is None or Role.ADMIN in principal.roles:
        return
    control = (await info.context.call(info.context.store.get_nodes, Label.CONTROL, [evidence.control])).get(
        evidence.control
    )
    automated = isinstance(control, ControlModel) and may_record_accepted(False, control)
    if evidence.status is EvidenceStatus.ACCEPTED and automated:
        return
    raise InvalidInputError.one(
        "evidence.status",
        f"an evidence-collector records PENDING evidence, to be reviewed; {evidence.status.name} is only for "
        "evidence of a control with automated: true, recorded ACCEPTED",
    )


def _review_argument(field: str) -> str:
    name = field.removeprefix("reviews[0].")
    return "id" if name == "evidence" else name


@strawberry.type
class DeletePayload:
    id: strawberry.ID
    deleted: bool


@strawberry.type
class Mutation(SecurityMutation, EngagementMutation, SampleMutation, ExceptionMutation):
    @strawberry.mutation(description="Create or update assets (properties only; see linkAssets).")
    async def upsert_assets(self, info: GqlInfo, assets: list[AssetInput]) -> list[Asset]:
        check_batch("assets", assets)
        stored = await info.context.call(info.context.store.get_nodes, Label.ASSET, [a.id for a in assets])
        merged = [a.merged(found if isinstance(found := stored.get(a.id), AssetModel) else None) for a in assets]
        await _write(info, {"assets": merged})
        return await _reload(info, Asset, [a.id for a in assets])

    @strawberry.mutation
    async def delete_asset(self, info: GqlInfo, id: strawberry.ID) -> DeletePayload:
        await info.context.call(info.context.store.delete_asset, id)
        info.context.loaders.forget()
        return DeletePayload(id=id, deleted=True)

    @strawberry.mutation(description="Add DEPENDS_ON edges: `source` depends on `target`.")
    async def link_assets(self, info: GqlInfo, links: list[DependencyInput]) -> list[Asset]:
        check_batch("links", links)
        await _write(info, {"depends_on": [properties(link) for link in links]})
        return await _reload(info, Asset, sorted({link.source for link in links}))

    @strawberry.mutation(description="Create or update controls, with optional criteria, assets and vendors to link.")
    async def upsert_controls(self, info: GqlInfo, controls: list[ControlInput]) -> list[Control]:
        check_batch("controls", controls)
        await _write(
            info,
            {
                "controls": [properties(c, exclude=("satisfies", "applies_to", "relies_on")) for c in controls],
                "satisfies": [{"source": c.id, "target": k} for c in controls for k in c.satisfies],
                "applies_to": [{"source": c.id, "target": a} for c in controls for a in c.applies_to],
                "relies_on": [{"source": c.id, "target": v} for c in controls for v in c.relies_on],
            },
        )
        return await _reload(info, Control, [c.id for c in controls])

    @strawberry.mutation(description="Record that a control satisfies these criteria.")
    async def map_control(self, info: GqlInfo, control: strawberry.ID, criteria: list[strawberry.ID]) -> Control:
        check_batch("criteria", criteria)
        await _write(info, {"satisfies": [{"source": control, "target": c} for c in criteria]})
        (found,) = await _reload(info, Control, [control])
        return found

    @strawberry.mutation(description="Put these assets in a control's scope.")
    async def apply_control(self, info: GqlInfo, control: strawberry.ID, assets: list[strawberry.ID]) -> Control:
        check_batch("assets", assets)
        await _write(info, {"applies_to": [{"source": control, "target": a} for a in assets]})
        (found,) = await _reload(info, Control, [control])
        return found

    @strawberry.mutation
    async def upsert_vendors(self, info: GqlInfo, vendors: list[VendorInput]) -> list[Vendor]:
        check_batch("vendors", vendors)
        await _write(
            info,
            {
                "vendors": [properties(v, exclude=("provides",)) for v in vendors],
                "provided_by": [{"source": a, "target": v.id} for v in vendors for a in v.provides],
            },
        )
        return await _reload(info, Vendor, [v.id for v in vendors])

    @strawberry.mutation(
        description="Record one evidence item for a control. Evidence is immutable: recording the same id "
        "again with the same values changes nothing, with other values is a CONFLICT; record a correction "
        "with `supersedes` instead."
    )
    async def record_evidence(self, info: GqlInfo, evidence: EvidenceInput) -> Evidence:
        item = properties(evidence, exclude=("covers", "content", "content_base64"))
        item["sha256"] = evidence.digest()
        await _check_collector_status(info, evidence)
        principal = info.context.principal
        item["recorded_by"] = principal.actor if principal is not None else None
        item["recorded_at"] = now_utc()
        await _write(
            info,
            {
                "evidence": [item],
                "covers": [{"source": evidence.id, "target": a} for a in evidence.covers],
            },
        )
        (found,) = await _reload(info, Evidence, [evidence.id])
        return found

    @strawberry.mutation(
        description="Accept or reject an evidence item (editor or admin, never the actor that recorded it). "
        "The review is appended; the latest review sets the item's status."
    )
    async def review_evidence(
        self, info: GqlInfo, id: strawberry.ID, decision: ReviewDecision, note: str = ""
    ) -> Evidence:
        principal = info.context.principal
        if not await load_nodes(info, Evidence, [id]):
            raise NotFoundError(Label.EVIDENCE.value, id, "id")
        review = {
            "evidence": id,
            "decision": decision.value,
            "note": note,
            "reviewer": principal.actor if principal is not None else "(anonymous)",
            "at": now_utc(),
        }
        try:
            await _write(info, {"reviews": [review]})
        except ForbiddenError:
            raise ForbiddenError(
                f"id: you recorded evidence '{id}'; a reviewer is never the actor that recorded the item"
            ) from None
        except InvalidInputError as error:  # as the arguments are named
            raise InvalidInputError(
                [FieldProblem(_review_argument(p.field), p.reason) for p in error.problems]
            ) from None
        (found,) = await _reload(info, Evidence, [id])
        return found

    @strawberry.mutation(description="Record a change of an asset (and, propagating, of its blast radius).")
    async def record_change(self, info: GqlInfo, change: ChangeInput) -> ImpactReport:
        principal = info.context.principal
        request = change.record(principal.actor if principal is not None else None)
        report = await info.context.call(queries.record_change, info.context.store, request)
        info.context.loaders.forget()
        return ImpactReport.of(report)
