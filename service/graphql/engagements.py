"""GraphQL of engagements (DESIGN.md "Engagement (an audit)"): the node with its scoped answers,
its input, and the read and write root fields (mixed into Query and Mutation)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING

import strawberry

from graph import model as m
from graph.errors import FieldProblem, InvalidInputError
from graph.model import EngagementKind, Label
from graph.queries import engagement as q
from service.graphql.coverage_report import CategoryCounts, StatusCounts  # registers the nested types
from service.graphql.errors import camel_path
from service.graphql.evidence_reports import EvidenceGapsReport, MissingEvidenceReport
from service.graphql.inputs import check_batch, properties, to_bundle
from service.graphql.loading import GqlInfo, load_node, load_nodes, node_connection, node_type
from service.graphql.model_types import convert, input_type, object_type
from service.graphql.pagination import Connection
from service.graphql.samples import Sample, engagement_samples

__all__ = ["CategoryCounts", "StatusCounts"]  # imported for their registration only

strawberry.enum(EngagementKind)


@object_type(q.EngagementCriterion, ids=("criterion_id",))
class EngagementCriterion:
    pass


@object_type(q.EngagementCoverage, description="Coverage of the in-scope assessable criteria, over the boundary.")
class EngagementCoverage:
    pass


@node_type(Label.ENGAGEMENT, description="One audit: a framework, Type I at an instant or Type II over a period.")
class Engagement:
    node: strawberry.Private[m.Engagement]
    # One report per engagement object (one per resolution), however many of its fields are asked.
    report_task: strawberry.Private[asyncio.Future[q.EngagementReport] | None] = None

    async def _report(self, info: GqlInfo) -> q.EngagementReport:
        if self.report_task is None:
            # A type2 period may end in the future: then the answer is as of now (not to be remembered).
            now = info.context.as_of(None) if self.node.kind is EngagementKind.TYPE2 else None
            call = info.context.call(q.engagement_report, info.context.store, self.node, now)
            self.report_task = asyncio.ensure_future(call)
        return await self.report_task

    @strawberry.field(description="as_of (type1), or the earlier of period_end and now (type2).")
    async def reference_instant(self, info: GqlInfo) -> datetime:
        return (await self._report(info)).reference_instant

    @strawberry.field(description="Criterion categories in scope (Security always, for SOC 2).")
    async def categories_in_scope(self, info: GqlInfo) -> list[str]:
        return (await self._report(info)).categories

    @strawberry.field(
        description="The assets in scope: those listed and all they depend on (natural order); "
        "null when the engagement lists none: every asset is in scope."
    )
    async def boundary(self, info: GqlInfo) -> list[strawberry.ID] | None:
        found = (await self._report(info)).boundary
        return [strawberry.ID(a) for a in found] if found is not None else None

    @strawberry.field(description="Status of each in-scope criterion at the reference instant, with gap counts.")
    async def coverage(self, info: GqlInfo) -> EngagementCoverage:
        return convert(EngagementCoverage, (await self._report(info)).coverage)

    @strawberry.field(description="Missing evidence of in-scope controls on boundary assets, at the reference instant.")
    async def missing_evidence(self, info: GqlInfo) -> MissingEvidenceReport:
        return MissingEvidenceReport.of((await self._report(info)).missing_evidence)

    @strawberry.field(description="The auditors' recorded samples of this engagement, oldest first.")
    async def samples(self, info: GqlInfo) -> list[Sample]:
        return await engagement_samples(info, self.node.id)

    @strawberry.field(description="Type II: period gaps of the in-scope controls; null for type1.")
    async def gaps(self, info: GqlInfo) -> EvidenceGapsReport | None:
        found = (await self._report(info)).gaps
        return EvidenceGapsReport.of(found) if found is not None else None


@input_type(m.Engagement, ids=("id", "framework", "assets"))
class EngagementInput:
    if TYPE_CHECKING:  # derived from the model (input_type); named here for the type checker
        id: strawberry.ID


@strawberry.type
class EngagementQuery:
    @strawberry.field
    async def engagements(
        self, info: GqlInfo, first: int | None = None, after: str | None = None
    ) -> Connection[Engagement]:
        return await node_connection(info, Engagement, first, after)

    @strawberry.field(description="An engagement with its scoped coverage, missing evidence and gaps.")
    async def engagement(self, info: GqlInfo, id: strawberry.ID) -> Engagement | None:
        return await load_node(info, Engagement, id)


@strawberry.type
class EngagementMutation:
    @strawberry.mutation(description="Create or replace engagements (each one whole).")
    async def upsert_engagements(self, info: GqlInfo, engagements: list[EngagementInput]) -> list[Engagement]:
        check_batch("engagements", engagements)
        bundle = to_bundle({"engagements": [properties(e) for e in engagements]})
        try:
            await info.context.call(info.context.store.write, bundle, immutable_evidence=True)
        except InvalidInputError as error:  # the store's checks name bundle paths: as the API spells them
            raise InvalidInputError([FieldProblem(camel_path(p.field), p.reason) for p in error.problems]) from None
        info.context.loaders.forget()
        return await load_nodes(info, Engagement, [e.id for e in engagements])
