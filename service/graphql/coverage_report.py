"""GraphQL types of the coverage report."""

from __future__ import annotations

from typing import Any

import strawberry

from graph.model import Label
from graph.queries import results as r
from service.graphql.enums import ControlStatus, CoverageStatus, MappingRelationship
from service.graphql.nodes import (
    Control,
    Criterion,
    Framework,
    GqlInfo,
    load_node,
)
from service.graphql.scalars import CoverageRows, DateTime


@strawberry.type
class StatusCounts:
    total: int
    covered: int
    partial: int
    uncovered: int

    @classmethod
    def of(cls, counts: r.StatusCounts) -> StatusCounts:
        return cls(total=counts.total, covered=counts.covered, partial=counts.partial, uncovered=counts.uncovered)


@strawberry.type
class CategoryCounts(StatusCounts):
    category: str


@strawberry.type
class ControlFinding:
    control_id: strawberry.ID
    title: str
    status: ControlStatus
    effective: bool
    reason: str

    @strawberry.field
    async def control(self, info: GqlInfo) -> Control | None:
        found: Control | None = await load_node(info, Label.CONTROL, self.control_id)
        return found


@strawberry.type
class CrosswalkCandidate:
    criterion_id: strawberry.ID
    relationship: MappingRelationship
    neighbour_status: CoverageStatus
    candidate: CoverageStatus

    @strawberry.field
    async def criterion(self, info: GqlInfo) -> Criterion | None:
        found: Criterion | None = await load_node(info, Label.CRITERION, self.criterion_id)
        return found


@strawberry.type
class CriterionCoverage:
    criterion_id: strawberry.ID
    ref: str
    title: str
    category: str
    parent_id: strawberry.ID | None
    is_leaf: bool
    assessable: bool = strawberry.field(
        description="Counted in coverage; a criterion that is not rolls up over the assessable ones below it."
    )
    status: CoverageStatus
    derived: bool
    reason: str
    controls: list[ControlFinding]
    via: list[CrosswalkCandidate]

    @strawberry.field
    async def criterion(self, info: GqlInfo) -> Criterion | None:
        found: Criterion | None = await load_node(info, Label.CRITERION, self.criterion_id)
        return found


@strawberry.type
class CoverageReport:
    framework_id: strawberry.ID
    as_of: DateTime
    totals: StatusCounts
    by_category: list[CategoryCounts]
    rows: strawberry.Private[list[r.CriterionCoverage]]

    @strawberry.field
    async def framework(self, info: GqlInfo) -> Framework | None:
        found: Framework | None = await load_node(info, Label.FRAMEWORK, self.framework_id)
        return found

    @strawberry.field(description="Per-criterion statuses in catalog order, optionally filtered.")
    def criteria(
        self,
        status: CoverageStatus | None = None,
        category: str | None = None,
        leaves_only: bool = False,
        assessable_only: bool = False,
    ) -> list[CriterionCoverage]:
        return [
            _criterion_coverage(row)
            for row in self.rows
            if (status is None or row.status is status)
            and (category is None or row.category == category)
            and (row.is_leaf or not leaves_only)
            and (row.assessable or not assessable_only)
        ]

    @strawberry.field(
        description="The same rows as `criteria`, with the same filters, as one JSON value: for whole reports "
        "(the dashboard's overview), which it answers without completing each row's fields one by one."
    )
    def criteria_rows(
        self,
        status: CoverageStatus | None = None,
        category: str | None = None,
        leaves_only: bool = False,
        assessable_only: bool = False,
    ) -> CoverageRows:
        return CoverageRows(
            [
                _criterion_row(row)
                for row in self.rows
                if (status is None or row.status is status)
                and (category is None or row.category == category)
                and (row.is_leaf or not leaves_only)
                and (row.assessable or not assessable_only)
            ]
        )

    @classmethod
    def of(cls, report: r.CoverageReport) -> CoverageReport:
        return cls(
            framework_id=strawberry.ID(report.framework),
            as_of=report.as_of,
            totals=StatusCounts.of(report.totals),
            by_category=[
                CategoryCounts(
                    category=c.category, total=c.total, covered=c.covered, partial=c.partial, uncovered=c.uncovered
                )
                for c in report.by_category
            ],
            rows=report.criteria,
        )


def _criterion_coverage(row: r.CriterionCoverage) -> CriterionCoverage:
    return CriterionCoverage(
        criterion_id=strawberry.ID(row.criterion_id),
        ref=row.ref,
        title=row.title,
        category=row.category,
        parent_id=strawberry.ID(row.parent) if row.parent else None,
        is_leaf=row.is_leaf,
        assessable=row.assessable,
        status=row.status,
        derived=row.derived,
        reason=row.reason,
        controls=[
            ControlFinding(
                control_id=strawberry.ID(f.control_id),
                title=f.title,
                status=f.status,
                effective=f.effective,
                reason=f.reason,
            )
            for f in row.controls
        ],
        via=[
            CrosswalkCandidate(
                criterion_id=strawberry.ID(v.criterion_id),
                relationship=v.relationship,
                neighbour_status=v.neighbour_status,
                candidate=v.candidate,
            )
            for v in row.via
        ],
    )


def _criterion_row(row: r.CriterionCoverage) -> dict[str, Any]:
    """A row as `criteria` answers it, field for field (enums by their GraphQL names)."""
    return {
        "criterionId": row.criterion_id,
        "ref": row.ref,
        "title": row.title,
        "category": row.category,
        "parentId": row.parent or None,
        "isLeaf": row.is_leaf,
        "assessable": row.assessable,
        "status": row.status.name,
        "derived": row.derived,
        "reason": row.reason,
        "controls": [
            {
                "controlId": f.control_id,
                "title": f.title,
                "status": f.status.name,
                "effective": f.effective,
                "reason": f.reason,
            }
            for f in row.controls
        ],
        "via": [
            {
                "criterionId": v.criterion_id,
                "relationship": v.relationship.name,
                "neighbourStatus": v.neighbour_status.name,
                "candidate": v.candidate.name,
            }
            for v in row.via
        ],
    }
