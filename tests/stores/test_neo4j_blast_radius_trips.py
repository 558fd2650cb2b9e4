"""A blast radius on Neo4j is one round trip: asked first, asked again, after a write by another
process, and for an asset that does not exist; the graph version's check rides in that statement.

Statements are counted by a thin wrapper of the store's connection (the real driver and server
answer every one of them).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from neo4j import Record

from graph.errors import NotFoundError
from graph.queries import blast_radius
from graph.stores.neo4j import Neo4jStore
from tests.graphs import T0, GraphBuilder
from tests.stores.neo4j_launcher import Neo4jServer

pytestmark = pytest.mark.neo4j

ASKED = [("X", None), ("X", 0), ("X", 1), ("Y", None), ("Z", 2)]


class Counted:
    """Every statement `store` sends through its connection's reads, forwarded unchanged."""

    def __init__(self, store: Neo4jStore) -> None:
        self.sent: list[str] = []
        real = store.connection.read

        def read(query: str, **params: Any) -> list[Record]:
            self.sent.append(query)
            return real(query, **params)

        store.connection.read = read  # type: ignore[method-assign]


def estate() -> GraphBuilder:
    """Y <- X <- A <- B, and E -> X; a control and evidence on X, a vendor of A; Z alone."""
    b = GraphBuilder().framework("fw").criterion("1")
    for asset in ("X", "A", "B", "E", "Y", "Z"):
        b.asset(asset)
    for source, target in [("X", "Y"), ("A", "X"), ("B", "A"), ("E", "X")]:
        b.depends(source, target)
    b.vendor("v-a", provides=["A"])
    b.control("ctl-x", satisfies=["fw:1"], applies_to=["X"])
    b.evidence("ctl-x", T0, eid="ev-x").evidence("ctl-x", T0, covers=["X"], eid="ev-x-scoped")
    return b


def connect(server: Neo4jServer) -> Neo4jStore:
    return Neo4jStore(server.uri, server.user, server.password, server.database)


@pytest.fixture
def pair(neo4j_server: Neo4jServer) -> Iterator[tuple[Neo4jStore, Neo4jStore, Counted]]:
    """(reader, writer, the reader's statements) on one emptied database holding `estate()`."""
    reader, writer = connect(neo4j_server), connect(neo4j_server)
    writer.clear()
    writer.write(estate().bundle())
    try:
        yield reader, writer, Counted(reader)
    finally:
        reader.close()
        writer.close()


def test_a_blast_radius_is_one_statement_asked_first_and_again(
    pair: tuple[Neo4jStore, Neo4jStore, Counted],
) -> None:
    reader, writer, counted = pair
    for asset, depth in ASKED:
        counted.sent.clear()
        first = blast_radius(reader, asset, depth)
        assert len(counted.sent) == 1, (asset, depth)
        again = blast_radius(reader, asset, depth)
        assert len(counted.sent) == 2, (asset, depth)
        assert again == first == blast_radius(writer, asset, depth)
    # The second ask was answered from what the first remembered (the statement only checked the version).
    assert reader.blast_radius("X", None) is reader.blast_radius("X", None)
    assert [(a.asset_id, a.distance) for a in blast_radius(reader, "X").assets] == [
        ("X", 0),
        ("A", 1),
        ("E", 1),
        ("B", 2),
    ]


def test_a_write_by_another_process_is_seen_in_the_same_one_statement(
    pair: tuple[Neo4jStore, Neo4jStore, Counted],
) -> None:
    reader, writer, counted = pair
    before = {(asset, depth): blast_radius(reader, asset, depth) for asset, depth in ASKED}
    writer.write(GraphBuilder().asset("C").depends("C", "B").vendor("v-c", provides=["C"]).bundle())
    counted.sent.clear()
    after = blast_radius(reader, "X")
    assert len(counted.sent) == 1
    assert after != before[("X", None)]
    assert [(a.asset_id, a.distance) for a in after.assets][-1] == ("C", 3) and "v-c" in after.vendors
    assert after == blast_radius(writer, "X")  # the writer never asked: computed afresh


def test_a_missing_asset_is_one_statement_too(pair: tuple[Neo4jStore, Neo4jStore, Counted]) -> None:
    reader, _writer, counted = pair
    for _ in range(2):
        counted.sent.clear()
        with pytest.raises(NotFoundError):
            blast_radius(reader, "nowhere")
        assert len(counted.sent) == 1
