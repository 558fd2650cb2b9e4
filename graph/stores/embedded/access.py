"""The embedded backend of `graph.access.store.AccessStore`: keys and the audit log in SQLite
tables beside the graph's (access_tables.py), on the graph store's connection and lock."""

from __future__ import annotations

from datetime import datetime

from graph.access.audit import AuditDraft, AuditEntry, StoredAuditRow
from graph.access.keys import ApiKey
from graph.errors import ConflictError, NotFoundError
from graph.stores.embedded.access_tables import append_entry
from graph.stores.embedded.record import SqliteRecord


class EmbeddedAccessStore:
    """An `AccessStore` in the SQLite file of a `SqliteRecord` (shared with `EmbeddedStore`)."""

    def __init__(self, record: SqliteRecord) -> None:
        self._record = record

    # -- the audit log ------------------------------------------------------------------------
    def append_audit(self, draft: AuditDraft) -> AuditEntry:
        with self._record.transaction(take_pending_audit=False) as cursor:
            return append_entry(cursor, draft)

    def audit_entries(self, *, first: int, after: int | None = None, newest_first: bool = False) -> list[AuditEntry]:
        if first <= 0:
            return []
        if newest_first:
            sql = "SELECT data FROM audit_log WHERE seq < ? ORDER BY seq DESC LIMIT ?"
            bound = after if after is not None else 2**62
        else:
            sql = "SELECT data FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?"
            bound = after if after is not None else 0
        rows = self._record.fetch(sql, (bound, first))
        return [AuditEntry.model_validate_json(row[0]) for row in rows]

    def audit_rows(self, *, first: int, after: int | None = None) -> list[StoredAuditRow]:
        rows = self._record.fetch(
            "SELECT seq, hash, data FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?", (after or 0, first)
        )
        # The hash column is what the next append links to: it must agree with the entry's own.
        return [StoredAuditRow(seq, stored_hash, data) for seq, stored_hash, data in rows]

    def audit_count(self) -> int:
        [(count,)] = self._record.fetch("SELECT count(*) FROM audit_log")
        return int(count)

    # -- API keys -----------------------------------------------------------------------------
    def put_key(self, key: ApiKey) -> None:
        with self._record.transaction() as cursor:
            if cursor.execute("SELECT 1 FROM api_keys WHERE id = ?", (key.id,)).fetchone():
                raise ConflictError(f"key: a key with id '{key.id}' exists already")
            cursor.execute("INSERT INTO api_keys (id, data) VALUES (?, ?)", (key.id, key.model_dump_json()))

    def get_key(self, key_id: str) -> ApiKey | None:
        rows = self._record.fetch("SELECT data FROM api_keys WHERE id = ?", (key_id,))
        return ApiKey.model_validate_json(rows[0][0]) if rows else None

    def list_keys(self) -> list[ApiKey]:
        keys = [ApiKey.model_validate_json(row[0]) for row in self._record.fetch("SELECT data FROM api_keys")]
        return sorted(keys, key=lambda k: (k.created_at, k.id))

    def revoke_key(self, key_id: str, at: datetime) -> ApiKey:
        with self._record.transaction() as cursor:
            row = cursor.execute("SELECT data FROM api_keys WHERE id = ?", (key_id,)).fetchone()
            if row is None:
                raise NotFoundError("ApiKey", key_id, "id")
            key = ApiKey.model_validate_json(row[0])
            if key.revoked_at is None:
                key = key.model_copy(update={"revoked_at": at})
                cursor.execute("UPDATE api_keys SET data = ? WHERE id = ?", (key.model_dump_json(), key_id))
            return key
