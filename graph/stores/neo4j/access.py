"""The Neo4j backend of `graph.access.store.AccessStore`: keys and the audit log as nodes beside
the graph, written through the graph store's connection (so a graph write commits its pending
audit entry in its own transaction, connection.py)."""

from __future__ import annotations

from datetime import datetime

from neo4j.exceptions import ConstraintError

from graph.access.audit import AuditDraft, AuditEntry, StoredAuditRow, not_audited
from graph.access.keys import ApiKey
from graph.errors import ConflictError
from graph.stores.neo4j import audit as audit_log
from graph.stores.neo4j import keys
from graph.stores.neo4j.connection import Neo4jConnection


def schema_statements() -> list[tuple[str, str]]:
    return [*audit_log.schema_statements(), *keys.schema_statements()]


class Neo4jAccessStore:
    """An `AccessStore` on the database of a `Neo4jConnection` (shared with `Neo4jStore`)."""

    def __init__(self, connection: Neo4jConnection) -> None:
        self._db = connection

    # -- the audit log ------------------------------------------------------------------------
    def append_audit(self, draft: AuditDraft) -> AuditEntry:
        with not_audited():  # this entry only, never a pending one beside it
            return self._db.write(lambda tx: audit_log.append(tx, draft), changes_graph=False)

    def audit_entries(self, *, first: int, after: int | None = None, newest_first: bool = False) -> list[AuditEntry]:
        if first <= 0:
            return []
        if newest_first:
            bound = after if after is not None else 2**62
            records = self._db.read(audit_log.ENTRIES_DESCENDING, after=bound, first=first)
        else:
            records = self._db.read(audit_log.ENTRIES_ASCENDING, after=after or 0, first=first)
        return [audit_log.entry_model(record["props"]) for record in records]

    def audit_rows(self, *, first: int, after: int | None = None) -> list[StoredAuditRow]:
        records = self._db.read(audit_log.ENTRIES_ASCENDING, after=after or 0, first=first)
        return [audit_log.stored_row(record["props"]) for record in records]

    def audit_count(self) -> int:
        [record] = self._db.read(audit_log.COUNT)
        count: int = record["n"]
        return count

    # -- API keys -----------------------------------------------------------------------------
    def put_key(self, key: ApiKey) -> None:
        try:
            self._db.write(
                lambda tx: tx.run(keys.CREATE_KEY, props=keys.key_properties(key)).consume(), changes_graph=False
            )
        except ConstraintError:
            raise ConflictError(f"key: a key with id '{key.id}' exists already") from None

    def get_key(self, key_id: str) -> ApiKey | None:
        records = self._db.read(keys.GET_KEY, id=key_id)
        return keys.key_model(records[0]["props"]) if records else None

    def list_keys(self) -> list[ApiKey]:
        found = [keys.key_model(record["props"]) for record in self._db.read(keys.LIST_KEYS)]
        return sorted(found, key=lambda k: (k.created_at, k.id))

    def revoke_key(self, key_id: str, at: datetime) -> ApiKey:
        return self._db.write(lambda tx: keys.revoke(tx, key_id, at), changes_graph=False)
