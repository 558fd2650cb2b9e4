"""Plain data completed without graphql-core's per-field work answers exactly as graphql-core does."""

from __future__ import annotations

import asyncio
import enum
import json
from typing import Any, NewType

import pytest
import strawberry
from graphql.execution import Executor
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from bench.run import DASHBOARD_QUERY
from graph.keys import Role
from graph.stores.embedded import EmbeddedStore
from service.auth.roles import Principal
from service.graphql.context import Context
from service.graphql.execution import PlainDataExecutor
from service.graphql.schema import build_schema
from tests.graphs import GraphBuilder, day

ADMIN = Principal(actor="test", roles=frozenset({Role.ADMIN}), rate_key="test")
AT = {"framework": "fw", "asOf": "2026-06-05T00:00:00Z"}

DOCUMENTS: list[tuple[str, dict[str, Any]]] = [
    (DASHBOARD_QUERY, AT),
    (DASHBOARD_QUERY, {"framework": "other", "asOf": "2026-06-05T00:00:00Z"}),
    (DASHBOARD_QUERY, {"framework": "nope", "asOf": "2026-06-05T00:00:00Z"}),
    (
        """query($framework: ID!, $asOf: DateTime, $yes: Boolean!) {
          coverage(framework: $framework, asOf: $asOf) {
            __typename t: totals { __typename n: total ...Counts }
            criteria { ...Row controls { status s2: status @include(if: $yes) control { id title } } }
            byCategory { category ... on CategoryCounts { total } }
          }
        }
        fragment Counts on StatusCounts { covered partial uncovered }
        fragment Row on CriterionCoverage { criterionId ref isLeaf status parentId
          via @skip(if: $yes) { criterionId } via2: via { candidate relationship criterion { id ref } } }""",
        {**AT, "yes": True},
    ),
    (
        """query($framework: ID!, $asOf: DateTime) { coverage(framework: $framework, asOf: $asOf) {
          criteria { criterionId criterion { id ref title framework { id name } parent { id }
            controls { id title expectedEvidence assets { totalCount edges { node { id kind changedAt } } } }
            mappings { otherId relationship strength other { id } } } } } }""",
        AT,
    ),
    (
        """{ controls(first: 10) { totalCount pageInfo { hasNextPage endCursor }
          edges { cursor node { id status frequency kind automated expectedEvidence
            evidence(first: 5) { edges { node { id status collectedAt validUntil sha256 covers { id } } } } } } } }""",
        {},
    ),
    ('{ blastRadius(asset: "data") { __typename } }', {}),
    ('{ crosswalk(source: "fw", target: "other") { __typename } }', {}),
    ("query($at: DateTime!) { missingEvidence(asOf: $at) { __typename } }", {"at": "2026-06-05T00:00:00Z"}),
]


def org() -> GraphBuilder:
    b = GraphBuilder().framework("fw").framework("other")
    b.criterion("C1").criterion("C2", parent="fw:C1").criterion("C3", category="ops").criterion("X1", "other")
    b.asset("data").asset("model").asset("api", kind="endpoint")
    b.depends("model", "data", "trained_on").depends("api", "model", "serves")
    b.control("k-access", satisfies=["fw:C1", "fw:C2"], applies_to=["model", "api"])
    b.control("k-log", satisfies=["fw:C2"], applies_to=["data"])
    b.control("k-planned", status="planned", satisfies=["fw:C3"])
    b.evidence("k-access", day(0)).evidence("k-log", day(-400))
    b.maps("other:X1", "fw:C1", "equal")
    return b


def answer(schema: strawberry.Schema, store: EmbeddedStore, query: str, variables: dict[str, Any]) -> str:
    result = asyncio.run(schema.execute(query, variables, Context(store, ADMIN)))
    errors = [e.formatted for e in result.errors or []]
    return json.dumps({"data": result.data, "errors": errors})


@pytest.mark.parametrize(("query", "variables"), DOCUMENTS)
def test_the_service_answers_byte_for_byte_as_graphql_core_does(query: str, variables: dict[str, Any]) -> None:
    store = EmbeddedStore()
    store.write(org().bundle())
    fast, stock = build_schema(), build_schema()
    stock.execution_context_class = StrawberryGraphQLCoreExecutionContext
    assert answer(fast, store, query, variables) == answer(stock, store, query, variables)
    store.close()


def test_report_rows_are_completed_without_resolving_each_field(monkeypatch: pytest.MonkeyPatch) -> None:
    store = EmbeddedStore()
    store.write(org().bundle())
    calls = 0
    execute_field = Executor.execute_field

    def counting(self: Executor, *args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        return execute_field(self, *args, **kwargs)

    monkeypatch.setattr(Executor, "execute_field", counting)
    assert '"errors": []' in answer(build_schema(), store, DASHBOARD_QUERY, AT)
    # `coverage` and the five fields of its report (`criteria` takes arguments, so graphql-core
    # runs that object), but none of the rows' fields nor those of their controls.
    assert calls == 1 + len(["frameworkId", "asOf", "totals", "byCategory", "criteria"])
    store.close()


# -- values graphql-core must judge: nulls where none may be, values that do not coerce -----------


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


# A scalar that would turn anything into text: it must never see an error or an awaitable.
Text = NewType("Text", str)
CONFIG = StrawberryConfig(scalar_map={Text: strawberry.scalar(name="Text", serialize=str, parse_value=str)})


@strawberry.type
class Leaf:
    name: str
    size: int | None = None


@strawberry.type
class Row:
    name: str
    count: int
    colour: Colour
    tags: list[str]
    maybe: str | None
    leaf: Leaf | None
    leaves: list[Leaf]
    label: Text


async def later(value: Any) -> Any:
    return value


GOOD: dict[str, Any] = {
    "name": "a",
    "count": 1,
    "colour": Colour.RED,
    "tags": ["x"],
    "maybe": None,
    "leaf": None,
    "leaves": [],
    "label": "l",
}
# Each row has one odd value; awaitables only where the row is asked alone, every field selected.
VARIANTS: list[Any] = [
    lambda _: {},
    lambda _: {"name": None},
    lambda _: {"count": "many"},
    lambda _: {"count": 2**40},
    lambda _: {"count": True},
    lambda _: {"colour": "purple"},
    lambda _: {"colour": "red"},
    lambda _: {"tags": ["x", None]},
    lambda _: {"tags": "xy"},
    lambda _: {"tags": None},
    lambda _: {"maybe": 5},
    lambda alone: {"maybe": later("awaited") if alone else "a"},
    lambda alone: {"name": later("awaited too") if alone else "b"},
    lambda _: {"leaf": Leaf(name=None)},  # type: ignore[arg-type]
    lambda _: {"leaf": Leaf(name="l", size=3)},
    lambda _: {"leaves": [Leaf(name="l"), None]},
    lambda _: {"leaves": [Leaf(name="l", size=1.5)]},  # type: ignore[arg-type]
    lambda _: {"leaves": (Leaf(name="t"),)},
    lambda _: {"leaf": ValueError("an error as a value")},
    lambda _: {"label": ValueError("an error as a text")},
    lambda alone: {"label": later("awaited text") if alone else 7},
]


def row_at(index: int, *, alone: bool) -> Row:
    return Row(**{**GOOD, **VARIANTS[index](alone)})


@strawberry.type
class Query:
    @strawberry.field
    def rows(self) -> list[Row]:
        return [row_at(i, alone=False) for i in range(len(VARIANTS))]

    @strawberry.field
    def row(self, index: int) -> Row:
        return row_at(index, alone=True)


TINY_DOCUMENTS = [
    "{ rows { name count colour tags maybe leaf { name size } leaves { name size } label } }",
    "{ rows { __typename c: count colour leaves { __typename name } } }",
    *(
        f"{{ row(index: {i}) {{ name count colour tags maybe leaf {{ name }} leaves {{ size }} label }} }}"
        for i in range(len(VARIANTS))
    ),
]


@pytest.mark.parametrize("query", TINY_DOCUMENTS)
def test_odd_values_get_graphql_cores_own_answer_and_errors(query: str) -> None:
    fast = strawberry.Schema(query=Query, config=CONFIG, execution_context_class=PlainDataExecutor)
    stock = strawberry.Schema(query=Query, config=CONFIG)

    def run(schema: strawberry.Schema) -> str:
        result = asyncio.run(schema.execute(query))
        return json.dumps({"data": result.data, "errors": [e.formatted for e in result.errors or []]})

    assert run(fast) == run(stock)
