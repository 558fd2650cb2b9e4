"""The SQLite tables of the embedded access store, and the append the durable record's
transaction makes in them when a graph write carries a pending audit entry (graph/access/audit.py)."""

from __future__ import annotations

import sqlite3

from graph.access.audit import GENESIS_HASH, AuditDraft, AuditEntry, seal

ACCESS_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_log (seq INTEGER PRIMARY KEY, hash TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS api_keys (id TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID;
"""


def append_entry(cursor: sqlite3.Cursor, draft: AuditDraft) -> AuditEntry:
    """Append `draft` after the head; call inside BEGIN IMMEDIATE (one writer at a time, across
    processes too): the head read here is the head the entry is appended to, so the chain cannot fork."""
    head = cursor.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev_hash = (head[0], head[1]) if head else (0, GENESIS_HASH)
    entry = seal(draft, seq + 1, prev_hash)
    cursor.execute(
        "INSERT INTO audit_log (seq, hash, data) VALUES (?, ?, ?)", (entry.seq, entry.hash, entry.model_dump_json())
    )
    return entry
