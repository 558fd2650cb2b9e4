"""Embedded-only: the SQLite file is the durable record of the in-memory graph."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.bundle import parse_bundle
from graph.errors import ConflictError, InvalidInputError, NotFoundError
from graph.model import Label
from graph.queries import blast_radius, coverage, missing_evidence
from graph.stores.embedded import EmbeddedStore
from tests.graphs import GraphBuilder, changed_at, changes_at, day, sample_graph


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "graph.sqlite"


@pytest.fixture
def opened(db: Path) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(db)
    yield store
    store.close()


def file_bytes(db: Path) -> dict[str, bytes]:
    """The database file and its WAL companions, byte for byte."""
    return {p.name: p.read_bytes() for p in sorted(db.parent.iterdir()) if p.name.startswith(db.name)}


def reopen(db: Path) -> EmbeddedStore:
    return EmbeddedStore(db)


def test_creates_missing_parent_directories(db: Path, opened: EmbeddedStore) -> None:
    assert db.exists()
    assert opened.export().is_empty()


def test_write_close_reopen_gives_the_same_export(db: Path) -> None:
    store = EmbeddedStore(db)
    store.write(sample_graph().bundle())
    exported = store.export()
    store.close()
    again = reopen(db)
    try:
        assert again.export() == exported
    finally:
        again.close()


def test_queries_after_reopen_answer_the_same(db: Path) -> None:
    store = EmbeddedStore(db)
    store.write(sample_graph().bundle())
    answers = (
        coverage(store, "fw", day(0)),
        missing_evidence(store, day(0)),
        blast_radius(store, "gpu"),
    )
    store.close()
    again = reopen(db)
    try:
        assert (coverage(again, "fw", day(0)), missing_evidence(again, day(0)), blast_radius(again, "gpu")) == answers
    finally:
        again.close()


def test_updates_deletes_and_changes_survive_reopen(db: Path) -> None:
    store = EmbeddedStore(db)
    store.write(sample_graph().bundle())
    store.write(GraphBuilder().control("ctl-policy", status="planned").bundle())
    # Recorded evidence is never rewritten, even by a write that does not ask for the check:
    # SQLite's own triggers refuse it (and the write leaves everything as it was).
    with pytest.raises(ConflictError, match="evidence is immutable"):
        store.write(GraphBuilder().control("ctl-policy").evidence("ctl-monitor", day(0), eid="ev-policy").bundle())
    store.delete_asset("gpu")
    store.write(changes_at(["dataset"], day(2)))
    exported = store.export()
    store.close()
    again = reopen(db)
    try:
        assert again.export() == exported
        assert again.get_nodes(Label.ASSET, ["gpu"]) == {}
        assert changed_at(again, "dataset") == day(2)
        [evidence] = [e for e in again.export().evidence if e.id == "ev-policy"]
        assert evidence.control == "ctl-policy"
        assert again.get_nodes(Label.CONTROL, ["ctl-policy"])["ctl-policy"].status.value == "planned"  # type: ignore[union-attr]
    finally:
        again.close()


def test_two_sessions_accumulate(db: Path) -> None:
    first = EmbeddedStore(db)
    first.write(GraphBuilder().asset("a").bundle())
    first.close()
    second = reopen(db)
    second.write(GraphBuilder().asset("b").depends("b", "a").bundle())
    second.close()
    third = reopen(db)
    try:
        assert [a.id for a in third.export().assets] == ["a", "b"]
        assert third.dependents("a", None) == {"a": 0, "b": 1}
    finally:
        third.close()


def test_a_failed_write_does_not_touch_the_file(db: Path, opened: EmbeddedStore) -> None:
    opened.write(sample_graph().bundle())
    exported = opened.export()
    on_disk = file_bytes(db)
    bad = parse_bundle(
        {
            "assets": [{"id": "brand-new", "kind": "model", "name": "n"}],
            "applies_to": [{"source": "ctl-access", "target": "nope"}],
        }
    )
    with pytest.raises(InvalidInputError):
        opened.write(bad)
    assert file_bytes(db) == on_disk
    assert opened.export() == exported
    opened.close()
    again = reopen(db)
    try:
        assert again.export() == exported
    finally:
        again.close()


def test_failed_delete_and_change_do_not_touch_the_file(db: Path, opened: EmbeddedStore) -> None:
    opened.write(sample_graph().bundle())
    exported = opened.export()
    on_disk = file_bytes(db)
    with pytest.raises(ConflictError):
        opened.delete_asset("model")
    with pytest.raises(NotFoundError):
        opened.delete_asset("nope")
    with pytest.raises(InvalidInputError):
        opened.write(changes_at(["model", "nope"], day(1)))
    assert file_bytes(db) == on_disk
    opened.close()
    again = reopen(db)
    try:
        assert again.export() == exported
    finally:
        again.close()


def test_in_memory_store_keeps_nothing_between_instances() -> None:
    first = EmbeddedStore()
    first.write(GraphBuilder().asset("a").bundle())
    first.close()
    second = EmbeddedStore()
    try:
        assert second.export().is_empty()
    finally:
        second.close()
