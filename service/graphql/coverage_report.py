"""GraphQL types of the coverage report, derived from graph/queries/results.py."""

from __future__ import annotations

from typing import Any

import strawberry

from graph.queries import results as r
from service.graphql.enums import CoverageStatus
from service.graphql.loading import GqlInfo, load_node
from service.graphql.model_types import convert, object_type
from service.graphql.nodes import Control, Criterion, Framework
from service.graphql.scalars import CoverageRows


@object_type(r.StatusCounts)
class StatusCounts:
    pass


@object_type(r.CategoryCounts)
class CategoryCounts:
    pass


@object_type(r.ControlFinding, ids=("control_id",), keep_as="row")
class ControlFinding:
    row: strawberry.Private[r.ControlFinding]

    @strawberry.field
    async def control(self, info: GqlInfo) -> Control | None:
        return await load_node(info, Control, self.row.control_id)


@object_type(r.CrosswalkCandidate, ids=("criterion_id",), keep_as="row")
class CrosswalkCandidate:
    row: strawberry.Private[r.CrosswalkCandidate]

    @strawberry.field
    async def criterion(self, info: GqlInfo) -> Criterion | None:
        return await load_node(info, Criterion, self.row.criterion_id)


@object_type(r.CriterionCoverage, ids=("criterion_id", "parent"), names={"parent": "parent_id"}, keep_as="row")
class CriterionCoverage:
    row: strawberry.Private[r.CriterionCoverage]

    @strawberry.field
    async def criterion(self, info: GqlInfo) -> Criterion | None:
        return await load_node(info, Criterion, self.row.criterion_id)


@object_type(r.CoverageReport, ids=("framework",), names={"framework": "framework_id"}, keep_as="report")
class CoverageReport:
    report: strawberry.Private[r.CoverageReport]

    @strawberry.field
    async def framework(self, info: GqlInfo) -> Framework | None:
        return await load_node(info, Framework, self.report.framework)

    @strawberry.field(description="Per-criterion statuses in catalog order, optionally filtered.")
    def criteria(
        self,
        status: CoverageStatus | None = None,
        category: str | None = None,
        leaves_only: bool = False,
        assessable_only: bool = False,
    ) -> list[CriterionCoverage]:
        return [convert(CriterionCoverage, row) for row in self._rows(status, category, leaves_only, assessable_only)]

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
        return CoverageRows([_criterion_row(row) for row in self._rows(status, category, leaves_only, assessable_only)])

    def _rows(
        self, status: CoverageStatus | None, category: str | None, leaves_only: bool, assessable_only: bool
    ) -> list[r.CriterionCoverage]:
        return [
            row
            for row in self.report.criteria
            if (status is None or row.status is status)
            and (category is None or row.category == category)
            and (row.is_leaf or not leaves_only)
            and (row.assessable or not assessable_only)
        ]

    @classmethod
    def of(cls, report: r.CoverageReport) -> CoverageReport:
        return convert(cls, report)


def _criterion_row(row: r.CriterionCoverage) -> dict[str, Any]:
    """A row as `criteria` answers it, field for field (enums by their GraphQL names). Spelled out,
    not derived: this is the dashboard's hot path (tests/service/test_graphql_report_rows.py keeps
    it equal to the typed rows)."""
    return {
        "criterionId": row.criterion_id,
        "ref": row.ref,
        "title": row.title,
        "category": row.category,
        "parentId": row.parent or None,
        "isLeaf": row.is_leaf,
        "assessable": row.assessable,
        "status": row.status.name,
        "carvedOut": row.carved_out,
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
