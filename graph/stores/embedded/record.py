"""The embedded store's durable record: one SQLite file (WAL, synchronous=FULL).

It holds the graph's nodes, edges and evidence reviews, and the access store's tables beside
them (access_tables.py). Every write is one `transaction`, which also appends the pending audit
entry (graph/access/audit.py), so the graph store and the access store share this record: its
connection, its lock, and the data dir's write lock (data_dir_lock.py).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from graph.access.audit import pending_audit
from graph.errors import ConflictError
from graph.model import EDGE_ENDPOINTS, Change, Label, Rel
from graph.stores.data_dir_lock import DataDirLock
from graph.stores.embedded.access_tables import ACCESS_SCHEMA, append_entry
from graph.stores.embedded.guards import evidence_guards, guard_refusal
from graph.stores.embedded.migration import migrate_changed_at

GRAPH_SCHEMA = """
CREATE TABLE IF NOT EXISTS nodes (
    label TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (label, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS edges (
    type TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (type, source, target)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS edges_by_target ON edges (type, target);
-- Reviews of evidence, appended (never updated): an evidence row keeps what was recorded, and its
-- status in memory is the latest review's. IF NOT EXISTS: an older data dir gains it at open.
CREATE TABLE IF NOT EXISTS evidence_reviews (seq INTEGER PRIMARY KEY, evidence TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS evidence_reviews_by_evidence ON evidence_reviews (evidence, seq);
-- Asset change histories, appended (guards.py: never updated; deleted only with their asset).
CREATE TABLE IF NOT EXISTS asset_changes (id TEXT PRIMARY KEY, asset TEXT NOT NULL, data TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS asset_changes_by_asset ON asset_changes (asset);
"""

EdgeRow = tuple[Rel, str, str, dict[str, Any]]  # (type, source, target, properties)


class SqliteRecord:
    """The SQLite connection of one embedded backend. `path=None` keeps it in memory (tests).

    Opened for writing (the default), it holds the data dir's write lock until `close`: a second
    writing process fails at once. `read_only=True` takes no lock and refuses writes; it reads a
    snapshot while a writer runs."""

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        # One lock for the connection and the memory built from it (the graph store takes it too).
        self.lock = threading.RLock()
        self.read_only = read_only
        self._dir_lock: DataDirLock | None = None
        if path is not None and not read_only:
            self._dir_lock = DataDirLock(path.parent).acquire()
        try:
            self._db = _connect(path, read_only)
        except BaseException:
            if self._dir_lock is not None:
                self._dir_lock.release()
            raise

    def close(self) -> None:
        with self.lock:
            self._db.close()
            if self._dir_lock is not None:
                self._dir_lock.release()

    def ping(self) -> None:
        with self.lock:
            self._db.execute("SELECT 1").fetchone()

    def fetch(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        with self.lock:
            return self._db.execute(sql, params).fetchall()

    def writable(self) -> None:
        if self.read_only:
            raise ConflictError("this store was opened read-only; write through the API or a writing command")

    @contextmanager
    def transaction(self, *, take_pending_audit: bool = True) -> Iterator[sqlite3.Cursor]:
        """One SQLite write transaction; it also appends the pending audit entry, if any (unless
        the transaction is the append of another entry), and hands it over once committed."""
        with self.lock:
            self.writable()
            pending = pending_audit() if take_pending_audit else None
            cursor = self._db.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            try:
                yield cursor
                entry = append_entry(cursor, pending.draft) if pending is not None else None
            except sqlite3.IntegrityError as error:
                cursor.execute("ROLLBACK")
                raise guard_refusal(error) from None
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")
            if pending is not None:
                pending.entry = entry

    def replay(
        self,
        on_review: Callable[[str], None],
        on_node: Callable[[Label, str], None],
        on_edge: Callable[[Rel, str, str, dict[str, Any]], None],
        on_change: Callable[[str], None],
    ) -> None:
        """Hand every review, then every node, then every edge, then every asset change as stored
        (JSON text, properties parsed) to the callbacks."""
        # One read transaction: reviews, nodes and edges from the same snapshot, even while another
        # process (the writer, when this store is read-only) commits between the reads.
        with self.lock:
            self._db.execute("BEGIN")
            try:
                # A read-only open of a data dir written before reviews existed has no such table.
                has_reviews = _has_table(self._db, "evidence_reviews")
                for (data,) in (
                    self._db.execute("SELECT data FROM evidence_reviews ORDER BY seq") if has_reviews else ()
                ):
                    on_review(data)
                for label, data in self._db.execute("SELECT label, data FROM nodes"):
                    on_node(Label(label), data)
                rels = {rel.value: rel for rel in Rel}
                for rel, source, target, data in self._db.execute("SELECT type, source, target, data FROM edges"):
                    on_edge(rels[rel], source, target, NO_PROPERTIES if data == "{}" else json.loads(data))
                # A read-only open of a data dir written before change histories has no such table.
                if _has_table(self._db, "asset_changes"):
                    for (data,) in self._db.execute("SELECT data FROM asset_changes"):
                        on_change(data)
            finally:
                self._db.execute("COMMIT")


NO_PROPERTIES: dict[str, Any] = {}


def _has_table(db: sqlite3.Connection, name: str) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


def write_rows(
    cursor: sqlite3.Cursor,
    nodes: list[tuple[Label, Any]],
    replaced: list[tuple[Rel, str, str]],
    edges: list[EdgeRow],
    reviews: list[Any],
    changes: list[Change],
) -> None:
    """A bundle's rows: nodes upserted, replaced single-valued edges deleted, edges upserted,
    reviews and asset changes appended."""
    cursor.executemany(
        "INSERT INTO nodes (label, id, data) VALUES (?, ?, ?) "
        "ON CONFLICT (label, id) DO UPDATE SET data = excluded.data",
        [(label.value, node.id, node.model_dump_json()) for label, node in nodes],
    )
    cursor.executemany(
        "DELETE FROM edges WHERE type = ? AND source = ? AND target = ?",
        [(rel.value, source, target) for rel, source, target in replaced],
    )
    cursor.executemany(
        "INSERT INTO edges (type, source, target, data) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (type, source, target) DO UPDATE SET data = excluded.data",
        [
            (rel.value, source, target, json.dumps(props, sort_keys=True) if props else "{}")
            for rel, source, target, props in edges
        ],
    )
    cursor.executemany(
        "INSERT INTO evidence_reviews (evidence, data) VALUES (?, ?)",
        [(review.evidence, review.model_dump_json()) for review in reviews],
    )
    insert_changes(cursor, changes)


def insert_changes(cursor: sqlite3.Cursor, changes: list[Change]) -> None:
    cursor.executemany(
        "INSERT INTO asset_changes (id, asset, data) VALUES (?, ?, ?)",
        [(change.id, change.asset, change.model_dump_json()) for change in changes],
    )


def delete_asset_rows(cursor: sqlite3.Cursor, asset_id: str) -> None:
    """The asset's row, every edge at either end of it, and its change history (the guard lets a
    history go only once its asset row is gone: a deleted asset answers no question)."""
    cursor.execute("DELETE FROM nodes WHERE label = ? AND id = ?", (Label.ASSET.value, asset_id))
    cursor.execute("DELETE FROM asset_changes WHERE asset = ?", (asset_id,))
    for rel, (source_label, target_label) in EDGE_ENDPOINTS.items():
        if source_label is Label.ASSET:
            cursor.execute("DELETE FROM edges WHERE type = ? AND source = ?", (rel.value, asset_id))
        if target_label is Label.ASSET:
            cursor.execute("DELETE FROM edges WHERE type = ? AND target = ?", (rel.value, asset_id))


def _connect(path: Path | None, read_only: bool) -> sqlite3.Connection:
    if read_only and path is not None and path.exists():
        # mode=ro: no write can reach the file through this connection; WAL readers need no lock.
        return sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False, isolation_level=None
        )
    # A writer, or a reader of a data dir that does not exist yet (it reads an empty graph).
    db = sqlite3.connect(
        str(path) if path and not read_only else ":memory:", check_same_thread=False, isolation_level=None
    )
    db.execute("PRAGMA journal_mode=WAL")
    # FULL: a write acknowledged to the caller survives a crash of the process or the machine.
    db.execute("PRAGMA synchronous=FULL")
    db.executescript(GRAPH_SCHEMA + ACCESS_SCHEMA)
    migrate_changed_at(db)
    try:
        db.executescript(evidence_guards())
    except sqlite3.IntegrityError:
        twice = db.execute(
            "SELECT target, group_concat(source, ', ') FROM edges WHERE type = 'SUPERSEDES' "
            "GROUP BY target HAVING count(*) > 1 LIMIT 5"
        ).fetchall()
        db.close()
        named = "; ".join(f"'{target}' by {sources}" for target, sources in twice)
        raise ConflictError(
            f"data dir {path.parent if path else ':memory:'}: evidence is superseded more than once ({named}), "
            "which only two writers at once could record: `attestgraph export` it (reading still works), keep "
            "one correction of each and load the result into a new data dir"
        ) from None
    return db
