"""What only the Neo4j store has to prove: its schema, its transactions, what it stores in Neo4j
and how it fails. (The rules themselves run on both backends through the `store` fixture.)"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from neo4j import Driver

from graph.bundle import Bundle
from graph.errors import ConflictError, InvalidInputError, NotFoundError, StoreUnavailableError
from graph.model import NODE_EDGE_FIELDS, Label, Rel, after_key, order_key
from graph.stores.neo4j import Neo4jStore
from graph.stores.neo4j.schema import KIND_LABELS
from service.settings import Settings
from tests.graphs import T0, GraphBuilder, changed_at, changes_at, day, unstamped
from tests.stores.conftest import cypher
from tests.stores.neo4j_launcher import Neo4jServer, free_port

pytestmark = pytest.mark.neo4j


@pytest.fixture
def server(neo4j_server: Neo4jServer) -> Neo4jServer:
    return neo4j_server


def snapshot(driver: Driver) -> tuple[list[Any], list[Any]]:
    """Every node (labels, properties) and relationship (type, ends, properties), sorted; the
    graph version's meta node (graph/stores/neo4j/memo.py) is no part of the graph."""
    nodes = cypher(driver, "MATCH (n) WHERE NOT n:GraphVersion RETURN labels(n) AS labels, properties(n) AS props")
    rels = cypher(
        driver,
        "MATCH (s)-[r]->(t) RETURN type(r) AS type, s.id AS source, t.id AS target, properties(r) AS props",
    )
    return sorted(map(repr, nodes)), sorted(map(repr, rels))


def demo() -> GraphBuilder:
    return (
        GraphBuilder()
        .framework("fw")
        .criterion("C1")
        .criterion("C1.1", parent="fw:C1")
        .asset("model-a", changed_at=day(-3))
        .asset("data-b", kind="dataset")
        .depends("model-a", "data-b", "trained_on")
        .control("ctl", satisfies=["fw:C1.1"], applies_to=["model-a", "data-b"])
        .vendor("v", provides=["model-a"])
        .evidence("ctl", day(-1), covers=["model-a"], eid="ev-1")
    )


# -- schema -------------------------------------------------------------------------------------


def test_start_creates_a_unique_id_constraint_and_an_order_index_for_every_label(
    neo4j: Neo4jStore, raw: Driver
) -> None:
    constraints = cypher(raw, "SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties")
    unique = {(c["labelsOrTypes"][0], tuple(c["properties"])) for c in constraints if c["type"] == "UNIQUENESS"}
    indexes = cypher(raw, "SHOW INDEXES YIELD type, labelsOrTypes, properties, state")
    ranged = {(i["labelsOrTypes"][0], tuple(i["properties"])) for i in indexes if i["type"] == "RANGE"}
    for label in Label:
        assert (label.value, ("id",)) in unique
        assert (label.value, ("_order",)) in ranged
    assert ("Finding", ("asset",)) in ranged  # an asset's findings: an index seek, not a label scan
    assert all(i["state"] == "ONLINE" for i in indexes)


def test_starting_again_is_idempotent(neo4j: Neo4jStore, server: Neo4jServer, raw: Driver) -> None:
    before = cypher(raw, "SHOW INDEXES YIELD name, type, labelsOrTypes, properties ORDER BY name")
    for _ in range(2):
        Neo4jStore(server.uri, server.user, server.password, server.database).close()
    assert cypher(raw, "SHOW INDEXES YIELD name, type, labelsOrTypes, properties ORDER BY name") == before


def test_the_constraint_refuses_a_duplicate_id_even_behind_the_stores_back(neo4j: Neo4jStore, raw: Driver) -> None:
    neo4j.write(GraphBuilder().asset("a").bundle())
    with pytest.raises(Exception, match="already exists"):
        cypher(raw, "CREATE (:Asset {id: 'a'})")


# -- what is stored -------------------------------------------------------------------------------


def test_times_are_stored_as_utc_datetimes_so_cypher_compares_instants(neo4j: Neo4jStore, raw: Driver) -> None:
    tz = timezone_plus_two()
    bundle = GraphBuilder().control("ctl").evidence("ctl", datetime(2026, 6, 1, 2, 0, tzinfo=tz), eid="e").bundle()
    neo4j.write(bundle)
    [row] = cypher(
        raw,
        "MATCH (e:Evidence {id: 'e'}) RETURN valueType(e.collected_at) AS type, e.collected_at = $t0 AS same",
        t0=T0,
    )
    assert row == {"type": "ZONED DATETIME NOT NULL", "same": True}
    [evidence] = neo4j.get_nodes(Label.EVIDENCE, ["e"]).values()
    assert evidence.collected_at == T0 and evidence.collected_at.tzinfo == UTC  # type: ignore[union-attr]


def timezone_plus_two() -> Any:
    from datetime import timezone

    return timezone(timedelta(hours=2))


def test_node_fields_that_are_edges_are_stored_as_relationships_too(neo4j: Neo4jStore, raw: Driver) -> None:
    neo4j.write(demo().finding("fnd-1", "model-a").bundle())
    rels = cypher(raw, "MATCH (s)-[r]->(t) RETURN type(r) AS type, s.id AS source, t.id AS target")
    got = {(r["type"], r["source"], r["target"]) for r in rels}
    assert {
        ("PART_OF", "fw:C1", "fw"),
        ("PART_OF", "fw:C1.1", "fw"),
        ("CHILD_OF", "fw:C1.1", "fw:C1"),
        ("EVIDENCES", "ev-1", "ctl"),
        ("AFFECTS", "fnd-1", "model-a"),
    } <= got
    [row] = cypher(raw, "MATCH (c:Criterion {id: 'fw:C1.1'}) RETURN c.framework AS framework, c.parent AS parent")
    assert row == {"framework": "fw", "parent": "fw:C1"}  # the property stays, so nodes round-trip
    [row] = cypher(raw, "MATCH (f:Finding {id: 'fnd-1'}) RETURN f.asset AS asset")
    assert row == {"asset": "model-a"}  # and the asset index looks it up (schema.PROPERTY_INDEXES)
    assert set(NODE_EDGE_FIELDS) == {Label.CRITERION, Label.EVIDENCE, Label.FINDING}


def test_rewriting_a_node_replaces_its_single_valued_edges(neo4j: Neo4jStore, raw: Driver) -> None:
    neo4j.write(demo().framework("fw2").control("ctl2", applies_to=["model-a"]).criterion("C2").bundle())
    moved = (
        GraphBuilder()
        .criterion("C1.1", fw="fw2", parent=None)
        .evidence("ctl2", day(-1), covers=["model-a"], eid="ev-1")
        .bundle()
    )
    moved = moved.model_copy(update={"criteria": [moved.criteria[0].model_copy(update={"id": "fw:C1.1"})]})
    neo4j.write(moved)
    rows = cypher(
        raw,
        "MATCH (s {id: $id})-[r]->(t) WHERE type(r) IN ['PART_OF', 'CHILD_OF', 'EVIDENCES'] "
        "RETURN type(r) AS type, t.id AS target",
        id="fw:C1.1",
    )
    assert rows == [{"type": "PART_OF", "target": "fw2"}]
    rows = cypher(raw, "MATCH (:Evidence {id: 'ev-1'})-[:EVIDENCES]->(c) RETURN c.id AS control")
    assert rows == [{"control": "ctl2"}]
    [criterion] = neo4j.get_nodes(Label.CRITERION, ["fw:C1.1"]).values()
    assert criterion.parent is None  # type: ignore[union-attr]


def test_assets_carry_one_label_for_their_kind(neo4j: Neo4jStore, raw: Driver) -> None:
    neo4j.write(GraphBuilder().asset("a", kind="model").bundle())
    neo4j.write(GraphBuilder().asset("a", kind="dataset").bundle())
    [row] = cypher(raw, "MATCH (a:Asset {id: 'a'}) RETURN labels(a) AS labels")
    assert sorted(row["labels"]) == ["Asset", KIND_LABELS[next(k for k in KIND_LABELS if k.value == "dataset")]]


def test_text_that_looks_like_cypher_is_stored_as_text(neo4j: Neo4jStore, raw: Driver) -> None:
    hostile = "x'}) MATCH (n) DETACH DELETE n //"
    bundle = Bundle.model_validate(
        {
            "controls": [{"id": "ctl", "title": hostile, "description": "$ids {`x`: 1}"}],
            "assets": [{"id": "a", "kind": "model", "name": hostile}],
        }
    )
    neo4j.write(bundle)
    assert neo4j.export() == bundle
    assert neo4j.list_nodes(Label.CONTROL, first=5, where={"title": hostile})[0].id == "ctl"
    graph_nodes = "MATCH (n) WHERE NOT n:GraphVersion AND NOT n:TimelineChunk RETURN count(n) AS n"
    assert cypher(raw, graph_nodes) == [{"n": 2}]  # (ctl's count timeline is kept beside it)


def test_the_order_key_sorts_like_natural_key() -> None:
    ids = ["a", "a1", "a 1", "a.2", "a.10", "A", "b", "CC1.2", "CC1.10", "CC10.1", "x9", "x10", "x010", "1", "01", "z"]
    from graph.model import natural_key

    by_key = sorted(ids, key=order_key)
    assert by_key == sorted(ids, key=lambda i: (natural_key(i), i))
    for bound in ids:
        after = [i for i in ids if order_key(i) > after_key(bound)]
        assert sorted(after) == sorted(i for i in ids if natural_key(i) > natural_key(bound))


# -- all or nothing -------------------------------------------------------------------------------


def test_a_refused_write_leaves_the_database_exactly_as_it_was(neo4j: Neo4jStore, raw: Driver) -> None:
    neo4j.write(demo().bundle())
    before = snapshot(raw)
    bad = (
        GraphBuilder()
        .asset("model-a", kind="endpoint")  # an update that must not happen either
        .asset("new-asset")
        .control("new-ctl", applies_to=["new-asset", "model-a"])
        .depends("new-asset", "no-such-asset")  # the dangling reference
        .bundle()
    )
    with pytest.raises(InvalidInputError, match=r"depends_on\[0\]\.target"):
        neo4j.write(bad)
    assert snapshot(raw) == before


def test_an_endpoint_deleted_between_check_and_write_fails_the_whole_write(server: Neo4jServer, raw: Driver) -> None:
    """The existence check and the write are two steps; if a concurrent delete slips between
    them, the transaction notices the missing endpoint and rolls everything back."""

    class RacingStore(Neo4jStore):
        def _existing(self, label: Label, ids: set[str]) -> set[str]:
            found = super()._existing(label, ids)
            if label is Label.ASSET and "victim" in ids:
                cypher(raw, "MATCH (a:Asset {id: 'victim'}) DETACH DELETE a")
            return found

    store = RacingStore(server.uri, server.user, server.password, server.database)
    try:
        store.clear()
        store.write(GraphBuilder().asset("victim").bundle())
        with pytest.raises(ConflictError, match="APPLIES_TO"):
            store.write(GraphBuilder().asset("other").control("ctl", applies_to=["victim", "other"]).bundle())
        assert snapshot(raw) == ([], [])  # the victim is gone (deleted) and nothing else was written
    finally:
        store.close()


def test_concurrent_writers_of_the_same_nodes_all_succeed_without_duplicates(
    neo4j: Neo4jStore, server: Neo4jServer, raw: Driver
) -> None:
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        store = Neo4jStore(server.uri, server.user, server.password, server.database)
        try:
            builder = GraphBuilder().framework("fw").criterion("C1")
            for i in range(20):
                builder.asset(f"a-{i}")
            for c in range(5):
                builder.control(f"c-{c}", satisfies=["fw:C1"], applies_to=[f"a-{i}" for i in range(c, 20, 5)])
            store.write(builder.bundle())
        except BaseException as error:
            errors.append(error)
        finally:
            store.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert cypher(raw, "MATCH (a:Asset) RETURN count(a) AS n") == [{"n": 20}]
    assert cypher(raw, "MATCH ()-[r:APPLIES_TO]->() RETURN count(r) AS n") == [{"n": 20}]


def test_delete_asset_removes_its_relationships_and_refuses_an_evidence_scope(neo4j: Neo4jStore, raw: Driver) -> None:
    neo4j.write(demo().bundle())
    with pytest.raises(ConflictError, match="ev-1"):
        neo4j.delete_asset("model-a")
    with pytest.raises(NotFoundError):
        neo4j.delete_asset("nope")
    neo4j.delete_asset("data-b")
    assert cypher(raw, "MATCH (a:Asset {id: 'data-b'}) RETURN count(a) AS n") == [{"n": 0}]
    assert cypher(raw, "MATCH ()-[r:DEPENDS_ON]->() RETURN count(r) AS n") == [{"n": 0}]


def test_a_change_of_an_unknown_asset_records_nothing(neo4j: Neo4jStore) -> None:
    neo4j.write(demo().bundle())
    with pytest.raises(InvalidInputError, match="nope"):
        neo4j.write(changes_at(["model-a", "nope"], day(5)))
    assert changed_at(neo4j, "model-a") == day(-3)


# -- reads stay in the database ------------------------------------------------------------------


def test_what_if_assumptions_write_nothing(neo4j: Neo4jStore, raw: Driver) -> None:
    from graph.store import Assumption

    neo4j.write(demo().bundle())
    before = snapshot(raw)
    verdicts = neo4j.control_verdicts(["ctl"], T0, Assumption(frozenset({"model-a", "data-b"}), T0))
    assert not verdicts["ctl"].effective
    assert snapshot(raw) == before


def test_clear_empties_the_database_but_keeps_the_schema(neo4j: Neo4jStore, raw: Driver) -> None:
    neo4j.write(demo().bundle())
    neo4j.clear()
    assert cypher(raw, "MATCH (n) RETURN count(n) AS n") == [{"n": 0}]
    names = {row["name"] for row in cypher(raw, "SHOW CONSTRAINTS YIELD name")}
    assert {f"attestgraph_{label.value.lower()}_id" for label in Label} <= names


# -- configuration and failure --------------------------------------------------------------------


def test_an_unreachable_server_is_store_unavailable() -> None:
    with pytest.raises(StoreUnavailableError, match="cannot answer"):
        Neo4jStore(f"bolt://127.0.0.1:{free_port()}", "neo4j", "x")


def test_a_wrong_password_is_store_unavailable(server: Neo4jServer) -> None:
    with pytest.raises(StoreUnavailableError):
        Neo4jStore(server.uri, server.user, server.password + "-wrong", server.database)


def test_ping_answers_while_the_server_does(neo4j: Neo4jStore) -> None:
    neo4j.ping()


def test_settings_open_neo4j_from_the_conventional_variables(
    server: Neo4jServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The environment is read in service/settings.py only; the store takes plain arguments.
    for name, value in {"NEO4J_URI": server.uri, "NEO4J_USER": server.user, "NEO4J_PASSWORD": server.password}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("ATTESTGRAPH_STORE", "neo4j")
    if server.database:
        monkeypatch.setenv("NEO4J_DATABASE", server.database)
    store = Settings.from_env().open_store()
    try:
        assert isinstance(store, Neo4jStore)
        store.ping()
    finally:
        store.close()


def test_every_relationship_type_round_trips_through_export(neo4j: Neo4jStore) -> None:
    bundle = (
        demo()
        .maps("fw:C1.1", "fw:C1", "subset_of", 7)
        .finding("fnd-1", "model-a")
        .bundle()
        .merged(
            Bundle.model_validate(
                {
                    "threats": [{"id": "AML.T0024", "name": "Exfiltration"}],
                    "mitigates": [{"source": "ctl", "target": "AML.T0024"}],
                    "relies_on": [{"source": "ctl", "target": "v"}],
                }
            )
        )
    )
    neo4j.write(bundle)
    exported = neo4j.export()
    assert exported == neo4j.export()
    emitted = {edge.type for edge in exported.edges()}
    assert emitted >= set(Rel) - {rel for rel in Rel if rel.value == "SUPERSEDES"}
    assert unstamped(exported).model_dump() == unstamped(_canonical(bundle)).model_dump()


def _canonical(bundle: Bundle) -> Bundle:
    from graph.stores.embedded import EmbeddedStore

    store = EmbeddedStore()
    try:
        store.write(bundle)
        return store.export()
    finally:
        store.close()


def test_reads_after_a_write_see_it_immediately(neo4j: Neo4jStore) -> None:
    for i in range(5):
        neo4j.write(GraphBuilder().asset(f"a-{i}", changed_at=day(i) + timedelta(seconds=1)).bundle())
        assert neo4j.count_nodes(Label.ASSET) == i + 1
