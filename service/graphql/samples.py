"""GraphQL of populations and samples (issue 14 item 1): the `Sample` node, population units,
`engagementPopulation`, `Engagement.samples` and the `engagementSample` mutation (mixed into
Query and Mutation)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from graph import model as m
from graph.model import Label
from graph.queries import population as p
from graph.queries.engagement import get_engagement
from graph.queries.sampling import SampleRequest, record_sample, recorded_samples
from service.graphql.loading import GqlInfo, as_object, load_node, node_type
from service.graphql.nodes import Evidence
from service.graphql.pagination import Connection, slice_connection


@strawberry.type(
    description="One occurrence of a control an auditor may select: a point evidence item, or one "
    "period-gap interval an observing item operated."
)
class PopulationUnit:
    key: str = strawberry.field(description="The evidence id, or '<evidence id>@<interval start, ISO-8601 Z>'.")
    interval_start: datetime | None = strawberry.field(description="Null for a point item.")
    interval_end: datetime | None = strawberry.field(description="Null for a point item.")
    collected_at: datetime
    evidence_id: strawberry.Private[str]

    @strawberry.field(description="The evidence item (batched).")
    async def evidence(self, info: GqlInfo) -> Evidence | None:
        return await load_node(info, Evidence, self.evidence_id)

    @classmethod
    def of(cls, unit: p.PopulationUnit) -> PopulationUnit:
        return cls(
            key=unit.key,
            interval_start=unit.interval_start,
            interval_end=unit.interval_end,
            collected_at=unit.collected_at,
            evidence_id=unit.evidence_id,
        )


@node_type(Label.SAMPLE, description="An auditor's recorded, reproducible draw from a control's population.")
class Sample:
    node: strawberry.Private[m.Sample]

    @strawberry.field(description=m.Sample.model_fields["items"].description)
    async def items(self, info: GqlInfo) -> list[PopulationUnit]:
        loaders = info.context.loaders
        engagement = await loaders.node(Label.ENGAGEMENT).load(self.node.engagement)
        control = await loaders.node(Label.CONTROL).load(self.node.control)
        ids = [key.rpartition("@")[0] or key for key in self.node.items]
        evidence = await loaders.node(Label.EVIDENCE).load_many(ids)
        if not isinstance(engagement, m.Engagement) or not isinstance(control, m.Control):
            return []
        return [
            PopulationUnit.of(p.unit_of_key(key, e.collected_at, control, engagement))
            for key, e in zip(self.node.items, evidence, strict=True)
            if isinstance(e, m.Evidence)
        ]


@strawberry.type
class SampleQuery:
    @strawberry.field(
        description="The Type II population of an in-scope control of an engagement, in natural order of key."
    )
    async def engagement_population(
        self,
        info: GqlInfo,
        engagement: strawberry.ID,
        control: strawberry.ID,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[PopulationUnit]:
        store = info.context.store
        found = await info.context.call(get_engagement, store, str(engagement), "engagement")
        population = await info.context.call(p.engagement_population, store, found, str(control))
        return slice_connection(population.units, first, after, PopulationUnit.of)


@strawberry.type
class SampleMutation:
    @strawberry.mutation(
        description="Draw and record a reproducible sample of an in-scope control's population. The same seed "
        "returns the recorded sample; another seed is a CONFLICT unless redraw: true with a reason (both stay)."
    )
    async def engagement_sample(
        self,
        info: GqlInfo,
        engagement: strawberry.ID,
        control: strawberry.ID,
        seed: str,
        redraw: bool = False,
        reason: str | None = None,
    ) -> Sample:
        principal = info.context.principal
        request = SampleRequest(
            str(engagement), str(control), seed, principal.actor if principal is not None else None, redraw, reason
        )
        sample = await info.context.call(record_sample, info.context.store, request)
        info.context.loaders.forget()
        return as_object(Sample, sample)


async def engagement_samples(info: GqlInfo, engagement_id: str) -> list[Sample]:
    """`Engagement.samples`: the recorded samples, oldest first (one store read)."""
    found = await info.context.call(recorded_samples, info.context.store, engagement_id)
    return [as_object(Sample, s) for s in found]
