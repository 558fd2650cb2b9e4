"""`audit verify` over a Neo4j log edited behind the store's back (issue 11, item 10): a damaged
or incomplete `:AuditEntry` is reported at its seq (no exception), and a swap of two entries is
told from a removal. (The embedded store's: tests/service/test_cli_security.py.)"""

from __future__ import annotations

from neo4j import Driver

from graph.access.audit import AuditDraft, Verification, digest, read_all, verify
from graph.stores.neo4j import Neo4jStore
from tests.stores.conftest import cypher


def logged(store: Neo4jStore, entries: int = 5) -> None:
    for i in range(entries):
        store.access.append_audit(
            AuditDraft(actor=f"key:{i}", role="editor", operation="Mutation.upsertAssets", input_digest=digest(i))
        )


def verified(store: Neo4jStore) -> Verification:
    return verify(read_all(lambda first, after: store.access.audit_rows(first=first, after=after)))


def test_an_incomplete_entry_is_reported_at_its_seq(neo4j: Neo4jStore, raw: Driver) -> None:
    logged(neo4j)
    cypher(raw, "MATCH (e:AuditEntry {seq: 3}) REMOVE e.actor")
    result = verified(neo4j)
    assert (result.ok, result.bad_seq) == (False, 3)
    assert "incomplete: 'actor' is missing" in result.reason


def test_an_unreadable_entry_is_reported_at_its_seq(neo4j: Neo4jStore, raw: Driver) -> None:
    logged(neo4j)
    cypher(raw, "MATCH (e:AuditEntry {seq: 2}) SET e.at = 'yesterday-ish', e.prev_hash = 42")
    result = verified(neo4j)
    assert (result.ok, result.bad_seq) == (False, 2)
    assert "unreadable" in result.reason


def test_a_swap_is_told_from_a_removal(neo4j: Neo4jStore, raw: Driver) -> None:
    logged(neo4j)
    cypher(raw, "MATCH (e:AuditEntry {seq: 2}) SET e.seq = -2")
    cypher(raw, "MATCH (e:AuditEntry {seq: 3}) SET e.seq = 2")
    cypher(raw, "MATCH (e:AuditEntry {seq: -2}) SET e.seq = 3")
    swapped = verified(neo4j)
    assert not swapped.ok and "swapped" in swapped.reason and "removed" not in swapped.reason
    cypher(raw, "MATCH (e:AuditEntry) DETACH DELETE e")
    cypher(raw, "MATCH (h:AuditHead) DETACH DELETE h")
    logged(neo4j)
    cypher(raw, "MATCH (e:AuditEntry {seq: 2}) DETACH DELETE e")
    removed = verified(neo4j)
    assert (removed.ok, removed.bad_seq) == (False, 3)
    assert "entry 2 removed" in removed.reason and "swapped" not in removed.reason
