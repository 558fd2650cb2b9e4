"""Fixtures of the tests that look inside Neo4j: an emptied store, and a plain driver beside it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from neo4j import Driver, GraphDatabase

from graph.stores.neo4j import Neo4jStore
from tests.stores.neo4j_launcher import Neo4jServer


@pytest.fixture
def neo4j(neo4j_server: Neo4jServer) -> Iterator[Neo4jStore]:
    """A Neo4j store on an emptied database."""
    store = Neo4jStore(neo4j_server.uri, neo4j_server.user, neo4j_server.password, neo4j_server.database)
    store.clear()
    yield store
    store.close()


@pytest.fixture
def raw(neo4j_server: Neo4jServer) -> Iterator[Driver]:
    """A plain driver, to look at what the store left in the database."""
    with GraphDatabase.driver(neo4j_server.uri, auth=(neo4j_server.user, neo4j_server.password)) as driver:
        yield driver


def cypher(driver: Driver, query: str, **params: Any) -> list[dict[str, Any]]:
    records, _, _ = driver.execute_query(query, params)
    return [record.data() for record in records]
