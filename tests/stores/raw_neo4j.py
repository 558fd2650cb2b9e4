"""A Neo4j database as it is stored: every node's labels and properties, every relationship's
type, endpoints and properties, with each value's type kept (an int is not a float, a datetime
keeps its zone), for comparing two databases exactly."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from neo4j import Driver

SCRATCH_LABEL = "AttestgraphTestScratch"  # tests/conftest.py's mark on a NEO4J_URI database
NODES = "MATCH (n) RETURN elementId(n) AS eid, labels(n) AS labels, properties(n) AS props"
RELS = "MATCH (a)-[r]->(b) RETURN elementId(a) AS a, elementId(b) AS b, type(r) AS type, properties(r) AS props"


def _value(value: Any) -> Any:
    if isinstance(value, list):
        return ("list", tuple(_value(item) for item in value))
    if hasattr(value, "iso_format"):  # neo4j.time types: the text Neo4j stores, zone included
        return (type(value).__name__, value.iso_format(), str(getattr(value, "tzinfo", None)))
    return (type(value).__name__, value)


def raw_graph(
    driver: Driver, database: str | None = None, ignore: Mapping[str, set[str]] | None = None
) -> tuple[Counter[Any], Counter[Any]]:
    """(nodes, relationships) as multisets. A node is (labels, properties); a relationship names
    its endpoints by theirs. `ignore`: per label, properties each write stamps for itself."""
    ignore = ignore or {}
    nodes: dict[str, Any] = {}
    for record in driver.execute_query(NODES, database_=database)[0]:
        labels = tuple(sorted(record["labels"]))
        if labels == (SCRATCH_LABEL,):
            continue
        skipped = set().union(*(ignore.get(label, set()) for label in labels))
        props = tuple(sorted((k, _value(v)) for k, v in record["props"].items() if k not in skipped))
        nodes[record["eid"]] = (labels, props)
    rels = Counter(
        (
            record["type"],
            nodes[record["a"]],
            nodes[record["b"]],
            tuple(sorted((k, _value(v)) for k, v in record["props"].items())),
        )
        for record in driver.execute_query(RELS, database_=database)[0]
    )
    return Counter(nodes.values()), rels


def differences(left: Counter[Any], right: Counter[Any], shown: int = 5) -> list[str]:
    """The first few items in one multiset and not the other (empty: equal)."""
    return [f"only online: {item}" for item in list((left - right).elements())[:shown]] + [
        f"only bulk: {item}" for item in list((right - left).elements())[:shown]
    ]
