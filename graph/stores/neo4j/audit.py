"""The audit log in Neo4j: `:AuditEntry` nodes beside the graph (keys: keys.py).

They are not graph nodes: no relationship touches them and `export` (which reads the labels of
`graph.model.Label` only) leaves them out. Appends serialize on one `:AuditHead` node: each
transaction takes its write lock before reading the head, so concurrent appends (from any
number of service processes) queue up instead of forking the chain; the uniqueness constraint
on `AuditEntry.seq` stands behind that.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from neo4j import ManagedTransaction

from graph.access.audit import GENESIS_HASH, AuditDraft, AuditEntry, PendingAudit, StoredAuditRow, pending_audit, seal
from graph.stores.neo4j.values import from_db, to_db

T = TypeVar("T")

HEAD_ID = "audit"


def schema_statements() -> list[tuple[str, str]]:
    return [
        (
            "attestgraph_auditentry_seq",
            "CREATE CONSTRAINT attestgraph_auditentry_seq IF NOT EXISTS FOR (e:AuditEntry) REQUIRE e.seq IS UNIQUE",
        ),
        (
            "attestgraph_audithead_id",
            "CREATE CONSTRAINT attestgraph_audithead_id IF NOT EXISTS FOR (h:AuditHead) REQUIRE h.id IS UNIQUE",
        ),
    ]


# The lost-update-safe pattern of the Neo4j manual: take the write lock (SET), then read.
LOCK_HEAD = """
MERGE (h:AuditHead {id: $id})
ON CREATE SET h.seq = 0, h.hash = $genesis
SET h._lock = true
WITH h
REMOVE h._lock
RETURN h.seq AS seq, h.hash AS hash
"""

APPEND = """
MATCH (h:AuditHead {id: $id})
CREATE (e:AuditEntry)
SET e = $props, h.seq = $props.seq, h.hash = $props.hash
"""

ENTRIES_ASCENDING = (
    "MATCH (e:AuditEntry) WHERE e.seq > $after RETURN properties(e) AS props ORDER BY e.seq LIMIT $first"
)
ENTRIES_DESCENDING = (
    "MATCH (e:AuditEntry) WHERE e.seq < $after RETURN properties(e) AS props ORDER BY e.seq DESC LIMIT $first"
)
COUNT = "MATCH (e:AuditEntry) RETURN count(e) AS n"


def append(tx: ManagedTransaction, draft: AuditDraft) -> AuditEntry:
    head = tx.run(LOCK_HEAD, id=HEAD_ID, genesis=GENESIS_HASH).single(strict=True)
    entry = seal(draft, head["seq"] + 1, head["hash"])
    tx.run(APPEND, id=HEAD_ID, props=entry_properties(entry)).consume()
    return entry


Work = Callable[[ManagedTransaction], T]


def with_pending_audit(work: Work[T]) -> tuple[Work[T], Callable[[], None]]:
    """Wrap a transaction function so it also appends the pending audit entry, if any; call the
    second function after the commit to hand the entry to the waiting caller."""
    pending: PendingAudit | None = pending_audit()
    if pending is None:
        return work, lambda: None
    appended: list[AuditEntry] = []

    def audited_work(tx: ManagedTransaction) -> T:
        result = work(tx)
        appended.append(append(tx, pending.draft))  # a retry runs again: the last one committed
        return result

    def committed() -> None:
        pending.entry = appended[-1]

    return audited_work, committed


def entry_properties(entry: AuditEntry) -> dict[str, Any]:
    return {name: to_db(value) for name, value in entry}


def entry_model(props: dict[str, Any]) -> AuditEntry:
    return AuditEntry.model_validate({k: from_db(v) for k, v in props.items() if k in AuditEntry.model_fields})


def stored_row(props: dict[str, Any]) -> StoredAuditRow:
    """An `:AuditEntry` node as stored, unparsed (the query returns only those with an integer
    `seq`; the entry is its own node, so no hash is kept beside it)."""
    return StoredAuditRow(props["seq"], None, {k: from_db(v) for k, v in props.items() if k in AuditEntry.model_fields})
