"""A coverage report's rows as one JSON value: the same rows, field for field, as the typed list."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from bench.run import DASHBOARD_QUERY
from graph.access.keys import Role
from graph.stores.embedded import EmbeddedStore
from service.auth.roles import Principal
from service.graphql.context import Context
from service.graphql.schema import build_schema
from tests.graphs import GraphBuilder, day

ADMIN = Principal(actor="test", roles=frozenset({Role.ADMIN}), rate_key="test")
ROW_FIELDS = (
    "criterionId ref title category parentId isLeaf assessable status carvedOut derived reason"
    " controls { controlId title status effective reason }"
    " via { criterionId relationship neighbourStatus candidate }"
)
BOTH = (
    "query($framework: ID!, $status: CoverageStatus, $category: String, $leaves: Boolean!,"
    " $assessable: Boolean! = false) {"
    ' coverage(framework: $framework, asOf: "2026-06-05T00:00:00Z") {'
    " typed: criteria(status: $status, category: $category, leavesOnly: $leaves, assessableOnly: $assessable)"
    f" {{ {ROW_FIELDS} }}"
    " rows: criteriaRows(status: $status, category: $category, leavesOnly: $leaves, assessableOnly: $assessable)"
    " } }"
)


@pytest.fixture(scope="module")
def store() -> Any:
    b = GraphBuilder().framework("fw").framework("other")
    b.criterion("C1").criterion("C2", parent="fw:C1").criterion("C3", category="ops").criterion("X1", "other")
    b.asset("data").asset("model").asset("api", kind="endpoint")
    b.depends("model", "data", "trained_on").depends("api", "model", "serves")
    b.control("k-access", satisfies=["fw:C1", "fw:C2"], applies_to=["model", "api"])
    b.control("k-log", satisfies=["fw:C2"], applies_to=["data"])
    b.control("k-planned", status="planned", satisfies=["fw:C3"])
    b.evidence("k-access", day(0)).evidence("k-log", day(-400))
    b.maps("other:X1", "fw:C1", "equal").maps("fw:C3", "other:X1", "subset_of")
    store = EmbeddedStore()
    store.write(b.bundle())
    yield store
    store.close()


def data(store: EmbeddedStore, query: str, variables: dict[str, Any]) -> Any:
    result = asyncio.run(build_schema().execute(query, variables, Context(store, ADMIN)))
    assert result.errors is None, result.errors
    return result.data


@pytest.mark.parametrize(
    "variables",
    [
        {"framework": "fw", "leaves": False},
        {"framework": "fw", "leaves": True},
        {"framework": "fw", "leaves": False, "assessable": True},
        {"framework": "other", "leaves": False},
        {"framework": "fw", "leaves": False, "status": "UNCOVERED"},
        {"framework": "fw", "leaves": False, "category": "ops"},
    ],
)
def test_json_rows_equal_the_typed_rows_field_for_field(store: EmbeddedStore, variables: dict[str, Any]) -> None:
    coverage = data(store, BOTH, variables)["coverage"]
    assert coverage["typed"], "a filter that leaves no rows proves nothing"
    # Through JSON, as a client reads them: key order, enum names and nulls alike.
    assert json.dumps(coverage["rows"]) == json.dumps(coverage["typed"])


def test_the_dashboard_request_gets_its_criteria_as_json_rows(store: EmbeddedStore) -> None:
    coverage = data(store, DASHBOARD_QUERY, {"framework": "fw", "asOf": "2026-06-05T00:00:00Z"})["coverage"]
    assert [row["criterionId"] for row in coverage["criteria"]] == ["fw:C2", "fw:C3"]
    assert list(coverage["criteria"][0]) == [
        *[
            "criterionId",
            "ref",
            "title",
            "category",
            "parentId",
            "isLeaf",
            "assessable",
            "status",
            "carvedOut",
            "derived",
            "reason",
            "controls",
            "via",
        ]
    ]
    assert coverage["criteria"][1]["controls"][0]["status"] == "PLANNED"  # enums by their GraphQL names


def test_the_rows_compared_include_crosswalk_candidates(store: EmbeddedStore) -> None:
    rows = data(store, BOTH, {"framework": "other", "leaves": False})["coverage"]["rows"]
    assert any(row["via"] for row in rows)
