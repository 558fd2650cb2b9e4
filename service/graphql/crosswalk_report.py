"""GraphQL types of the crosswalk between two frameworks."""

from __future__ import annotations

import strawberry

from graph.queries import results as r
from service.graphql.enums import MappingRelationship
from service.graphql.loading import GqlInfo, load_node
from service.graphql.nodes import Criterion
from service.graphql.pagination import Connection, slice_connection


@strawberry.type
class CrosswalkRow:
    source_id: strawberry.ID
    target_id: strawberry.ID
    relationship: MappingRelationship
    strength: int
    rationale: str
    inverted: bool

    @strawberry.field
    async def source(self, info: GqlInfo) -> Criterion | None:
        return await load_node(info, Criterion, self.source_id)

    @strawberry.field
    async def target(self, info: GqlInfo) -> Criterion | None:
        return await load_node(info, Criterion, self.target_id)


@strawberry.type
class CrosswalkReport:
    source_framework: strawberry.ID
    target_framework: strawberry.ID
    found: strawberry.Private[list[r.CrosswalkRow]]

    @strawberry.field
    def rows(self, first: int | None = None, after: str | None = None) -> Connection[CrosswalkRow]:
        return slice_connection(
            self.found,
            first,
            after,
            lambda m: CrosswalkRow(
                source_id=strawberry.ID(m.source),
                target_id=strawberry.ID(m.target),
                relationship=m.relationship,
                strength=m.strength,
                rationale=m.rationale,
                inverted=m.inverted,
            ),
        )

    @classmethod
    def of(cls, report: r.CrosswalkReport) -> CrosswalkReport:
        return cls(
            source_framework=strawberry.ID(report.source_framework),
            target_framework=strawberry.ID(report.target_framework),
            found=report.rows,
        )
