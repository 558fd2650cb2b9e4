"""The audit log and API keys: each backend's access store, kept beside the graph (never exported with it)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from graph.access.audit import AuditDraft, audited, digest, read_all, verify
from graph.access.keys import Role, new_key
from graph.access.store import AccessStore
from graph.errors import ConflictError, InvalidInputError, NotFoundError
from graph.store import GraphStore
from tests.graphs import GraphBuilder, changes_at


def draft(operation: str = "Mutation.upsertAssets", outcome: str = "ok", actor: str = "key:test") -> AuditDraft:
    return AuditDraft(actor=actor, role="editor", operation=operation, input_digest=digest(operation), outcome=outcome)


def all_entries(store: GraphStore) -> list:  # type: ignore[type-arg]
    return store.access.audit_entries(first=100_000)


def test_appends_form_one_verifiable_chain_and_page_both_ways(store: GraphStore) -> None:
    for i in range(7):
        store.access.append_audit(draft(f"op{i}"))
    entries = all_entries(store)
    assert [e.seq for e in entries] == list(range(1, 8))
    assert verify(entries).ok
    assert store.access.audit_count() == 7
    assert [e.seq for e in store.access.audit_entries(first=3, after=2)] == [3, 4, 5]
    assert [e.seq for e in store.access.audit_entries(first=3, newest_first=True)] == [7, 6, 5]
    assert [e.seq for e in store.access.audit_entries(first=3, after=5, newest_first=True)] == [4, 3, 2]
    assert store.access.audit_entries(first=0) == []


def test_entries_come_back_exactly_as_appended(store: GraphStore) -> None:
    sent = AuditDraft(
        at=datetime(2026, 6, 1, 12, 0, 0, 123456, tzinfo=UTC),
        actor="oidc:alice@example.test",
        role="auditor,viewer",
        operation="Query.auditLog",
        input_digest="a" * 64,
        outcome="denied: FORBIDDEN",
    )
    entry = store.access.append_audit(sent)
    [back] = all_entries(store)
    assert back == entry
    assert back.model_dump(include=set(AuditDraft.model_fields)) == sent.model_dump()


def test_concurrent_appends_never_fork_the_chain(store: GraphStore) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(10):
                store.access.append_audit(draft(f"t{n}-{i}"))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    entries = all_entries(store)
    assert len(entries) == 60
    assert verify(entries).ok


def test_a_write_inside_audited_commits_its_entry_with_it(store: GraphStore) -> None:
    with audited(draft("Mutation.upsertAssets")) as pending:
        store.write(GraphBuilder().asset("a").bundle())
    assert pending.entry is not None
    assert [e.operation for e in all_entries(store)] == ["Mutation.upsertAssets"]
    assert all_entries(store)[0] == pending.entry


def test_a_failed_write_inside_audited_leaves_no_entry(store: GraphStore) -> None:
    with audited(draft()) as pending, pytest.raises(InvalidInputError):
        store.write(GraphBuilder().control("c", applies_to=["ghost"]).bundle())
    assert pending.entry is None
    assert all_entries(store) == []
    assert store.export().is_empty()


def test_only_the_first_write_of_a_block_carries_the_entry(store: GraphStore) -> None:
    with audited(draft()) as pending:
        store.write(GraphBuilder().asset("a").bundle())
        store.write(changes_at(["a"], datetime(2026, 6, 1, tzinfo=UTC)))
    assert pending.entry is not None and store.access.audit_count() == 1


def test_audit_entries_and_keys_are_not_part_of_the_graph(store: GraphStore) -> None:
    store.access.append_audit(draft())
    store.access.put_key(new_key(Role.ADMIN, "admin")[0])
    assert store.export().is_empty()


def test_keys_are_stored_listed_and_revoked_never_deleted(store: GraphStore) -> None:
    first, _ = new_key(Role.ADMIN, "first admin")
    second, _ = new_key(Role.EVIDENCE_COLLECTOR, "scanner")
    store.access.put_key(first)
    store.access.put_key(second)
    assert store.access.get_key(first.id) == first
    assert store.access.get_key("0" * 16) is None
    assert [k.id for k in store.access.list_keys()] == [first.id, second.id]
    at = datetime(2026, 6, 2, tzinfo=UTC)
    revoked = store.access.revoke_key(second.id, at)
    assert revoked.revoked_at == at
    assert store.access.get_key(second.id) == revoked
    assert (
        store.access.revoke_key(second.id, datetime(2027, 1, 1, tzinfo=UTC)).revoked_at == at
    )  # stays as first revoked
    with pytest.raises(NotFoundError):
        store.access.revoke_key("f" * 16, at)
    with pytest.raises(ConflictError):
        store.access.put_key(first)


def test_key_changes_inside_audited_commit_their_entry(store: GraphStore) -> None:
    key, _ = new_key(Role.VIEWER, "v")
    with audited(draft("cli:keys.create")) as created:
        store.access.put_key(key)
    with audited(draft("cli:keys.revoke")) as revoked:
        store.access.revoke_key(key.id, datetime(2026, 6, 2, tzinfo=UTC))
    assert created.entry is not None and revoked.entry is not None
    assert [e.operation for e in all_entries(store)] == ["cli:keys.create", "cli:keys.revoke"]


def test_an_append_inside_audited_is_that_entry_only(store: GraphStore) -> None:
    with audited(draft("Mutation.upsertAssets")) as pending:
        store.access.append_audit(draft("Mutation.upsertAssets", outcome="error: BAD_USER_INPUT"))
    assert pending.entry is None
    assert [e.outcome for e in all_entries(store)] == ["error: BAD_USER_INPUT"]


def test_the_log_as_stored_verifies_as_its_entries_do(store: GraphStore) -> None:
    for i in range(4):
        store.access.append_audit(draft(f"op{i}"))
    rows = list(read_all(lambda first, after: store.access.audit_rows(first=first, after=after), page=3))
    assert [row.seq for row in rows] == [1, 2, 3, 4]
    assert verify(rows) == verify(all_entries(store))
    assert verify(rows).ok


ACCESS_METHODS = [name for name in vars(AccessStore) if not name.startswith("_")]


def test_keys_and_the_audit_log_are_the_access_stores_never_the_graph_stores(store: GraphStore) -> None:
    assert "put_key" in ACCESS_METHODS and "append_audit" in ACCESS_METHODS
    assert isinstance(store.access, AccessStore)
    assert [name for name in ACCESS_METHODS if hasattr(GraphStore, name) or hasattr(store, name)] == []


def test_a_key_write_and_a_graph_write_share_the_backends_transaction_rules(store: GraphStore) -> None:
    # A key written inside an audited block commits the block's entry with it, like a graph write:
    # the access store writes through the graph store's connection.
    key = new_key(Role.VIEWER, "v")[0]
    with audited(draft("Mutation.createApiKey")) as pending:
        store.access.put_key(key)
    assert pending.entry is not None
    assert [e.operation for e in all_entries(store)] == ["Mutation.createApiKey"]
    with audited(draft("Mutation.createApiKey")) as refused, pytest.raises(ConflictError):
        store.access.put_key(key)
    assert refused.entry is None and store.access.audit_count() == 1
