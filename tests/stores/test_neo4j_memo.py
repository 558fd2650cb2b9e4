"""The Neo4j store's read memo (graph/stores/neo4j/memo.py) never answers stale, across processes.

Two store instances on one database stand for two service processes: `reader` asks its questions
first (so answers are remembered), `writer` changes the graph in one way, and `reader` must then
answer exactly what a store remembering nothing answers, at instants inside and outside the
intervals it remembered.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from graph.access.audit import AuditDraft
from graph.store import Assumption
from graph.stores.neo4j import Neo4jStore, accepted, reads, timelines
from graph.stores.neo4j import memo as memo_mod
from tests.graphs import GraphBuilder, changes_at, day, just_before
from tests.invalidating_writes import CHANGES, INSTANTS, LAST, MONTHS, estate, without_policies
from tests.stores.neo4j_launcher import Neo4jServer

pytestmark = pytest.mark.neo4j


class Unremembered(Neo4jStore):
    """Reads as if no version existed: every answer is computed by Cypher, nothing remembered."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._memo = memo_mod.ReadMemo(capacity=0)  # the blast radius reads its version in its own statement
        self._accepted = Forgetting()

    def _version(self) -> memo_mod.Version:
        return None


class Forgetting(accepted.AcceptedKept):
    """Reads every control's accepted items each time."""

    def of(self, read: Any, ids: list[str]) -> dict[str, accepted.Kept]:
        return accepted.AcceptedKept().of(read, ids)


class Counting(Neo4jStore):
    """Counts the queries sent, by their first line."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sent: list[str] = []

    def _read(self, query: str, **params: Any) -> Any:
        self.sent.append(query)
        return super()._read(query, **params)


@pytest.fixture
def server(neo4j_server: Neo4jServer) -> Neo4jServer:
    return neo4j_server


def connect(server: Neo4jServer, kind: type[Neo4jStore] = Neo4jStore) -> Neo4jStore:
    return kind(server.uri, server.user, server.password, server.database)


@pytest.fixture
def three(server: Neo4jServer) -> Iterator[tuple[Neo4jStore, Neo4jStore, Neo4jStore]]:
    """(reader, writer, truth) on one emptied database holding `estate()`."""
    reader, writer, truth = connect(server), connect(server), connect(server, Unremembered)
    writer.clear()
    writer.write(estate().bundle())
    try:
        yield reader, writer, truth
    finally:
        for store in (reader, writer, truth):
            store.close()


def answers(store: Neo4jStore, at: datetime) -> dict[str, Any]:
    controls = ["k-daily", "k-scoped", "k-wide", "k-missing"]
    assets = ["a1", "a2", "a3", "a4"]
    dependents = {a: store.dependents(a, None) for a in assets}
    return {
        "states": [s.model_dump() for s in store.control_states(None, at)],
        "states_of": [s.model_dump() for s in store.control_states(["k-wide", "k-scoped", "k-missing"], at)],
        "verdicts": {k: v.model_dump() for k, v in store.control_verdicts(controls, at).items()},
        "dependents": dependents,
        "depth_1": {a: store.dependents(a, 1) for a in assets},
        "around": store.neighbourhood(assets).model_dump(),
        "around_dependents": {a: store.neighbourhood(d).model_dump() for a, d in dependents.items()},
        "gap_counts": store.accepted_evidence_counts({c: MONTHS for c in controls}),
        "observed": store.accepted_evidence_periods(controls, day(-400), day(400)),
    }


def radii(store: Neo4jStore) -> dict[str, Any]:
    """Blast radii (one statement each, its version check inside), a missing asset's included."""
    found = {(a, d): store.blast_radius(a, d) for a in ["a1", "a2", "a3", "a4", "gone"] for d in (None, 0, 1)}
    return {f"{a} {d}": None if r is None else r.model_dump() for (a, d), r in found.items()}


def warm(store: Neo4jStore) -> None:
    for at in [*INSTANTS, LAST]:
        answers(store, at)
    radii(store)


def check(reader: Neo4jStore, truth: Neo4jStore) -> None:
    assert radii(reader) == radii(truth)
    for at in [LAST, *INSTANTS]:
        assert answers(reader, at) == answers(truth, at), at


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_write_through_another_store_is_seen_at_once(
    three: tuple[Neo4jStore, Neo4jStore, Neo4jStore], change: str
) -> None:
    reader, writer, truth = three
    warm(reader)
    CHANGES[change](writer)
    check(reader, truth)


def test_the_changes_matter(three: tuple[Neo4jStore, Neo4jStore, Neo4jStore]) -> None:
    """Each change alters some answer, so seeing it is not a vacuous pass above."""
    reader, writer, truth = three
    for name in sorted(CHANGES):
        if name in {"an asset is deleted", "evidence moves to another control"}:
            continue  # later changes name a3; e-a1 is superseded by then (each is seen: the test above)
        before = {at: answers(truth, at) for at in INSTANTS}
        warm(reader)
        CHANGES[name](writer)
        after = {at: answers(truth, at) for at in INSTANTS}
        assert after != before, name
        check(reader, truth)


def test_remembered_answers_hold_only_between_the_instants_that_change_them(
    three: tuple[Neo4jStore, Neo4jStore, Neo4jStore],
) -> None:
    reader, _writer, truth = three
    reader.write(changes_at(["a2"], day(3)))  # a change after some instants asked: a bound too
    boundaries = [day(-10), day(-5), day(-2), day(-10 + 31), day(-5 + 31), day(-20 + 92), day(0.2), day(1.2), day(3)]
    for boundary in boundaries:
        for at in (just_before(boundary), boundary, just_before(boundary), boundary):
            assert answers(reader, at) == answers(truth, at), at


def test_a_repeated_question_only_reads_the_version(server: Neo4jServer) -> None:
    writer = connect(server)
    store = connect(server, Counting)
    assert isinstance(store, Counting)
    try:
        writer.clear()
        # No finding policy: every verdict from the stored timelines (verdicts.py answers a
        # control whose findings may hold assets back by the remembered Cypher instead).
        writer.write(without_policies().bundle())
        answers(store, day(0.5))
        store.sent.clear()
        answers(store, day(0.6))  # inside every interval remembered at day 0.5 (nothing changes between)
        # Verdicts are not remembered: each is one read of the stored timelines (timelines.py).
        # Accepted items are kept per control: only their revisions are read (accepted.py).
        assert set(store.sent) == {memo_mod.READ, timelines.AT, accepted.ITEM_REVISIONS}
        writer.write(GraphBuilder().evidence("k-wide", day(0.55), eid="e-new").bundle())
        store.sent.clear()
        answers(store, day(0.6))
        assert timelines.AT in store.sent and reads.CONTROL_STATES_OF in store.sent
        assert accepted.ACCEPTED_OF in store.sent  # k-wide's items moved
        assert reads.CONTROL_VERDICTS not in store.sent
    finally:
        writer.close()
        store.close()


def test_audit_and_key_writes_do_not_move_the_version(three: tuple[Neo4jStore, Neo4jStore, Neo4jStore]) -> None:
    reader, writer, _truth = three
    version = reader._version()
    assert version is not None
    writer.access.append_audit(AuditDraft(actor="t", role="admin", operation="test", input_digest="0" * 64))
    assert reader._version() == version
    writer.write(changes_at(["a1"], day(1)))
    assert reader._version() != version


def test_a_cleared_and_rewritten_database_is_never_taken_for_the_old_one(
    three: tuple[Neo4jStore, Neo4jStore, Neo4jStore],
) -> None:
    reader, writer, truth = three
    warm(reader)
    writer.clear()  # the version node goes too; the counter starts again
    writer.write(GraphBuilder().framework().criterion("C1").asset("a1").control("k-wide", applies_to=["a1"]).bundle())
    check(reader, truth)


def test_a_supposed_change_is_not_remembered(three: tuple[Neo4jStore, Neo4jStore, Neo4jStore]) -> None:
    reader, _writer, _truth = three
    at = day(1)
    before = reader.control_states(None, at)
    verdicts = reader.control_verdicts(["k-scoped"], at)
    supposed = Assumption(assets=frozenset({"a1"}), changed_at=day(0.9))
    assert reader.control_states(None, at, supposed) != before
    assert reader.control_verdicts(["k-scoped"], at, supposed) != verdicts
    assert reader.control_states(None, at) == before
    assert reader.control_verdicts(["k-scoped"], at) == verdicts


def test_the_memo_forgets_the_least_recently_used_past_its_capacity() -> None:
    memo = memo_mod.ReadMemo(capacity=10)
    version = ("epoch", 1)
    assert memo.get(version, ("k", 0)) is None  # a read adopts the version it saw
    for i in range(8):
        memo.put(version, ("k", i), i, rows=1)  # weight 2 each
    assert len(memo) == 5
    assert memo.get(version, ("k", 0)) is None and memo.get(version, ("k", 7)) == 7
    memo.put(version, ("big",), "x", rows=100)  # heavier than the whole memo: not kept
    assert memo.get(version, ("big",)) is None
    assert memo.get(("epoch", 2), ("k", 7)) is None  # another version: everything dropped
    memo.put(version, ("k", 7), 7)  # computed under the version before: left out
    assert len(memo) == 0
    memo.put(None, ("k", 1), 1)  # no version (no graph write yet): nothing remembered
    assert memo.get(None, ("k", 1)) is None


def test_an_answer_read_with_its_version_is_remembered_under_it() -> None:
    memo = memo_mod.ReadMemo(capacity=10)
    memo.remember(("epoch", 1), ("r",), "one")  # no `get` before: the version read alongside is adopted
    assert memo.version_holding(("r",)) == ("epoch", 1) and memo.version_holding(("other",)) is None
    memo.remember(("epoch", 2), ("s",), "two")  # a newer version drops what the older one held
    assert memo.version_holding(("r",)) is None and memo.get(("epoch", 2), ("s",)) == "two"
    memo.remember(None, ("t",), "none")  # no version: nothing remembered
    assert memo.version_holding(("t",)) is None
