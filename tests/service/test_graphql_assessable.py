"""`assessable` through GraphQL on both stores: on Criterion (as given, else the leaves rule),
on coverage rows, and the `assessableOnly` filter the dashboard's overview asks with."""

from __future__ import annotations

import asyncio
from typing import Any

from graph.access.keys import Role
from graph.store import GraphStore
from service.auth.roles import Principal
from service.graphql.context import Context
from service.graphql.schema import build_schema
from tests.graphs import T0, GraphBuilder

ADMIN = Principal(actor="test", roles=frozenset({Role.ADMIN}), rate_key="test")


def ask(store: GraphStore, query: str) -> Any:
    result = asyncio.run(build_schema().execute(query, None, Context(store, ADMIN)))
    assert result.errors is None, result.errors
    return result.data


def nist(store: GraphStore) -> None:
    b = GraphBuilder().framework("nist")
    b.criterion("AC", "nist", assessable=False)
    b.criterion("AC-2", "nist", parent="nist:AC", assessable=True)
    b.criterion("AC-2(1)", "nist", parent="nist:AC-2")
    b.criterion("X", "nist").criterion("X.1", "nist", parent="nist:X")  # unset: the leaves rule
    b.control("c", satisfies=["nist:AC-2"]).evidence("c", T0).write_to(store)


def test_criterion_assessable_is_as_given_else_exactly_the_leaves(store: GraphStore) -> None:
    nist(store)
    found = ask(store, '{ framework(id: "nist") { criteria(first: 10) { edges { node { id assessable } } } } }')
    flags = {e["node"]["id"]: e["node"]["assessable"] for e in found["framework"]["criteria"]["edges"]}
    assert flags == {"nist:AC": False, "nist:AC-2": True, "nist:AC-2(1)": True, "nist:X": False, "nist:X.1": True}


def test_coverage_rows_and_the_assessable_only_filter(store: GraphStore) -> None:
    nist(store)
    query = """{ coverage(framework: "nist", asOf: "2026-06-02T00:00:00Z") {
        totals { total covered }
        all: criteria { criterionId isLeaf assessable status }
        counted: criteriaRows(assessableOnly: true) } }"""
    coverage = ask(store, query)["coverage"]
    assert coverage["totals"] == {"total": 3, "covered": 1}
    rows = {r["criterionId"]: (r["isLeaf"], r["assessable"], r["status"]) for r in coverage["all"]}
    assert rows == {
        "nist:AC": (False, False, "PARTIAL"),
        "nist:AC-2": (False, True, "COVERED"),
        "nist:AC-2(1)": (True, True, "UNCOVERED"),
        "nist:X": (False, False, "UNCOVERED"),
        "nist:X.1": (True, True, "UNCOVERED"),
    }
    assert [r["criterionId"] for r in coverage["counted"]] == ["nist:AC-2", "nist:AC-2(1)", "nist:X.1"]
    assert all(r["assessable"] for r in coverage["counted"])
