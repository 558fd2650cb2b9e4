"""SQLite itself keeps recorded evidence immutable, whatever writes the file (issue 11, item 2):
triggers refuse UPDATE of an evidence row's content and DELETE of evidence, a unique index
refuses a second item superseding one, and a data dir made before them gets them when opened."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from graph.bundle import Bundle
from graph.model import Control, Evidence, EvidenceReview, EvidenceStatus, Label, ReviewDecision
from graph.stores.embedded import EmbeddedStore

AT = datetime(2026, 6, 1, tzinfo=UTC)
SHA = "a" * 64


def evidence(evidence_id: str, supersedes: str | None = None) -> Evidence:
    return Evidence(
        id=evidence_id, title="Access review", control="k", collected_at=AT, sha256=SHA, supersedes=supersedes
    )


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "attestgraph.sqlite3"
    store = EmbeddedStore(path)
    store.write(Bundle(controls=[Control(id="k", title="K")], evidence=[evidence("e1"), evidence("e2", "e1")]))
    store.close()
    yield path


def refused(path: Path, sql: str, *params: object) -> str:
    with closing(sqlite3.connect(path)) as connection, pytest.raises(sqlite3.DatabaseError) as caught, connection:
        connection.execute(sql, params)
    return str(caught.value)


def row(path: Path, evidence_id: str) -> str:
    with closing(sqlite3.connect(path)) as connection:
        found: str = connection.execute(
            "SELECT data FROM nodes WHERE label = 'Evidence' AND id = ?", (evidence_id,)
        ).fetchone()[0]
        return found


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", "Something else"), ("control", "other"), ("sha256", "b" * 64), ("collected_at", "2020-01-01T00:00:00Z")],
)
def test_sqlite_refuses_an_update_of_recorded_evidence_content(db: Path, field: str, value: str) -> None:
    before = row(db, "e1")
    message = refused(db, f"UPDATE nodes SET data = json_set(data, '$.{field}', ?) WHERE id = 'e1'", value)
    assert "evidence is immutable" in message
    assert row(db, "e1") == before


def test_sqlite_lets_the_review_status_change(db: Path) -> None:
    with closing(sqlite3.connect(db)) as connection, connection:
        connection.execute("UPDATE nodes SET data = json_set(data, '$.status', 'accepted') WHERE id = 'e1'")
    store = EmbeddedStore(db, read_only=True)
    try:
        found = store.get_nodes(Label.EVIDENCE, ["e1"])["e1"]
        assert isinstance(found, Evidence) and found.status is EvidenceStatus.ACCEPTED
    finally:
        store.close()


def test_sqlite_refuses_to_delete_evidence_or_its_links(db: Path) -> None:
    assert "evidence is immutable" in refused(db, "DELETE FROM nodes WHERE label = 'Evidence' AND id = 'e1'")
    assert "evidence is immutable" in refused(db, "DELETE FROM edges WHERE type = 'SUPERSEDES'")
    assert "evidence is immutable" in refused(db, "UPDATE edges SET target = 'e2' WHERE type = 'EVIDENCES'")
    assert row(db, "e1")


def test_sqlite_refuses_a_second_item_superseding_the_same_one(db: Path) -> None:
    second = evidence("e3", "e1").model_dump_json()
    assert "UNIQUE" in refused(
        db, "INSERT INTO edges (type, source, target, data) VALUES ('SUPERSEDES', 'e3', 'e1', '{}')"
    )
    assert "UNIQUE" in refused(db, "INSERT INTO nodes (label, id, data) VALUES ('Evidence', 'e3', ?)", second)


def test_a_data_dir_made_before_the_guards_gets_them_when_opened(db: Path) -> None:
    with closing(sqlite3.connect(db)) as connection:
        for kind, name in connection.execute(
            "SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'index') AND sql IS NOT NULL"
        ).fetchall():
            connection.execute(f"DROP {kind.upper()} {name}")
    EmbeddedStore(db).close()
    assert "evidence is immutable" in refused(db, "DELETE FROM nodes WHERE label = 'Evidence'")


def test_sqlite_keeps_reviews_append_only(db: Path) -> None:
    store = EmbeddedStore(db)
    review = EvidenceReview(evidence="e1", decision=ReviewDecision.ACCEPTED, reviewer="key:editor", at=AT)
    store.write(Bundle(reviews=[review]))
    store.close()
    assert "never rewritten" in refused(db, "UPDATE evidence_reviews SET data = '{}'")
    assert "never deleted" in refused(db, "DELETE FROM evidence_reviews")
    reopened = EmbeddedStore(db, read_only=True)
    try:
        assert reopened.evidence_reviews(["e1"])["e1"] == [review]
    finally:
        reopened.close()
