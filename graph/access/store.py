"""The `AccessStore` protocol: API keys and the audit log, kept beside the graph, never part of it.

They are the service's concerns (who may call, what they did), not the graph's: queries never
read them and `export` leaves them out. Each backend keeps them in its own database, in a module
of its own (graph/stores/embedded/access.py, graph/stores/neo4j/access.py), on the connection its
`GraphStore` uses: a graph write made inside `graph.access.audit.audited(draft)` commits the draft's
entry in the write's own transaction, so the two stores of one backend share one connection and
are opened together (`GraphStore.access`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from graph.access.audit import AuditDraft, AuditEntry, StoredAuditRow
from graph.access.keys import ApiKey


@runtime_checkable
class AccessStore(Protocol):
    """API keys and the audit log of one backend."""

    # -- the audit log: an append-only hash chain (graph/access/audit.py) -----------------------------
    def append_audit(self, draft: AuditDraft) -> AuditEntry:
        """Append an entry after the current head, atomically: concurrent appends never fork
        the chain. (Entries of graph writes are appended by the writes themselves.)"""

    def audit_entries(self, *, first: int, after: int | None = None, newest_first: bool = False) -> list[AuditEntry]:
        """Up to `first` entries in `seq` order (descending if `newest_first`), after `after`."""

    def audit_count(self) -> int: ...

    def audit_rows(self, *, first: int, after: int | None = None) -> list[StoredAuditRow]:
        """The log as stored, oldest first, each entry unparsed beside where and how the store
        files it: for `audit verify`, which must report a damaged entry, not fail on it."""

    # -- API keys (graph/access/keys.py) ---------------------------------------------------------------
    def put_key(self, key: ApiKey) -> None:
        """Store a new key; `ConflictError` if its id is taken."""

    def get_key(self, key_id: str) -> ApiKey | None: ...

    def list_keys(self) -> list[ApiKey]:
        """Every key, revoked ones included, oldest first."""

    def revoke_key(self, key_id: str, at: datetime) -> ApiKey:
        """Mark a key revoked at `at` (kept on record); `NotFoundError` if there is none.
        Revoking a revoked key changes nothing."""
