"""A store written before change histories (assets with a `changed_at` property) opens and keeps
those values as changes: embedded (raw SQLite rows of the old format) and Neo4j (raw Cypher); and
SQLite itself keeps a history append-only, whatever writes the file."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from neo4j import Driver

from graph.bundle import Bundle
from graph.model import Asset, ChangeKind, derived_change_id
from graph.queries import missing_evidence
from graph.stores.embedded import EmbeddedStore
from graph.stores.neo4j import Neo4jStore
from tests.graphs import T0, changed_at, day
from tests.stores.conftest import cypher
from tests.stores.neo4j_launcher import Neo4jServer

OLD_ASSET = {"id": "m", "kind": "model", "name": "m", "changed_at": day(2).isoformat()}
CONTROL = {"id": "c", "title": "c", "frequency": "monthly"}
EVIDENCE = {"id": "e", "title": "e", "control": "c", "collected_at": T0.isoformat(), "status": "accepted"}


def old_data_dir(path: Path) -> None:
    """The tables today's main wrote (nodes, edges, reviews), an asset's change time in its JSON."""
    path.parent.mkdir(parents=True)
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE nodes (label TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (label, id));"
        "CREATE TABLE edges (type TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL, data TEXT NOT NULL,"
        " PRIMARY KEY (type, source, target));"
        "CREATE TABLE evidence_reviews (seq INTEGER PRIMARY KEY, evidence TEXT NOT NULL, data TEXT NOT NULL);"
    )
    rows = [("Asset", "m", OLD_ASSET), ("Control", "c", CONTROL), ("Evidence", "e", EVIDENCE)]
    db.executemany("INSERT INTO nodes VALUES (?, ?, ?)", [(lab, i, json.dumps(d)) for lab, i, d in rows])
    db.executemany("INSERT INTO edges VALUES (?, ?, ?, '{}')", [("APPLIES_TO", "c", "m"), ("EVIDENCES", "e", "c")])
    db.commit()
    db.close()


def test_an_old_embedded_data_dir_keeps_its_changed_at_as_a_change(tmp_path: Path) -> None:
    path = tmp_path / "data" / "graph.sqlite"
    old_data_dir(path)
    reader = EmbeddedStore(path, read_only=True)  # derives the change in memory, writes nothing
    try:
        assert changed_at(reader, "m") == day(2)
    finally:
        reader.close()
    for _ in range(2):  # converted once, in one transaction at open; opening again adds nothing
        store = EmbeddedStore(path)
        try:
            [change] = store.asset_changes("m", 5)
            assert (change.id, change.at, change.kind) == (
                derived_change_id("m", day(2), None),
                day(2),
                ChangeKind.OTHER,
            )
            assert store.export().assets[0].changed_at is None
            assert [r.reason.value for r in missing_evidence(store, day(3)).rows] == ["STALE"]
        finally:
            store.close()
    raw = sqlite3.connect(path)
    [(data,)] = raw.execute("SELECT data FROM nodes WHERE label = 'Asset'").fetchall()
    assert "changed_at" not in json.loads(data) or json.loads(data)["changed_at"] is None
    raw.close()


@pytest.mark.neo4j
def test_an_old_neo4j_store_keeps_its_changed_at_as_a_change(
    neo4j: Neo4jStore, raw: Driver, neo4j_server: Neo4jServer
) -> None:
    cypher(
        raw,
        "CREATE (:Asset:Model {id: 'm', kind: 'model', name: 'm', changed_at: $at, _order: 'm'})",
        at=day(2),
    )
    for _ in range(2):  # at every start: converted once, then nothing to convert
        opened = Neo4jStore(neo4j_server.uri, neo4j_server.user, neo4j_server.password, neo4j_server.database)
        try:
            [change] = opened.asset_changes("m", 5)
            assert (change.id, change.at) == (derived_change_id("m", day(2), None), day(2))
            assert changed_at(opened, "m") == day(2)
        finally:
            opened.close()
    assert cypher(raw, "MATCH (a:Asset {id: 'm'}) RETURN a.changed_at AS at") == [{"at": None}]


def test_sqlite_refuses_to_edit_a_change_or_drop_it_while_its_asset_exists(tmp_path: Path) -> None:
    path = tmp_path / "data" / "graph.sqlite"
    store = EmbeddedStore(path)
    store.write(Bundle(assets=[Asset(id="m", kind="model", name="m", changed_at=day(1))]))
    store.write(Bundle(assets=[Asset(id="n", kind="model", name="n", changed_at=day(1))]))
    store.close()
    with closing(sqlite3.connect(path)) as db:
        with pytest.raises(sqlite3.DatabaseError, match="never edited"), db:
            db.execute("UPDATE asset_changes SET data = '{}' WHERE asset = 'm'")
        with pytest.raises(sqlite3.DatabaseError, match="never deleted while its asset exists"), db:
            db.execute("DELETE FROM asset_changes WHERE asset = 'm'")
        with db:  # with its asset gone, its history may go (what delete_asset does, in one transaction)
            db.execute("DELETE FROM nodes WHERE label = 'Asset' AND id = 'n'")
            db.execute("DELETE FROM asset_changes WHERE asset = 'n'")
        assert [asset for (asset,) in db.execute("SELECT asset FROM asset_changes")] == ["m"]
