"""GraphQL types of the crosswalk between two frameworks, derived from graph/queries/results.py."""

from __future__ import annotations

import strawberry

from graph.queries import results as r
from service.graphql.loading import GqlInfo, load_node
from service.graphql.model_types import convert, object_type
from service.graphql.nodes import Criterion
from service.graphql.pagination import Connection, slice_connection


@object_type(
    r.CrosswalkRow, ids=("source", "target"), names={"source": "source_id", "target": "target_id"}, keep_as="row"
)
class CrosswalkRow:
    row: strawberry.Private[r.CrosswalkRow]

    @strawberry.field
    async def source(self, info: GqlInfo) -> Criterion | None:
        return await load_node(info, Criterion, self.row.source)

    @strawberry.field
    async def target(self, info: GqlInfo) -> Criterion | None:
        return await load_node(info, Criterion, self.row.target)


@object_type(r.CrosswalkReport, ids=("source_framework", "target_framework"), keep_as="report")
class CrosswalkReport:
    report: strawberry.Private[r.CrosswalkReport]

    @strawberry.field
    def rows(self, first: int | None = None, after: str | None = None) -> Connection[CrosswalkRow]:
        return slice_connection(self.report.rows, first, after, lambda row: convert(CrosswalkRow, row))

    @classmethod
    def of(cls, report: r.CrosswalkReport) -> CrosswalkReport:
        return convert(cls, report)
