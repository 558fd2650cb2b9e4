"""The count timelines Neo4j keeps (graph/stores/neo4j/timelines.py): after every kind of write
the stored timeline of each control equals one built from scratch from what the database holds;
long timelines are cut into chunks and answered from the chunk holding T; a database written
without timelines gets them at open, and a control found without one on a read gets it then;
a verdict is one statement; a refused write leaves the timelines as they were."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from neo4j import Driver

from graph.bundle import Bundle
from graph.errors import ConflictError
from graph.store import Assumption
from graph.stores.embedded import EmbeddedStore
from graph.stores.neo4j import Neo4jStore, memo, reads, timelines
from tests.graphs import GraphBuilder, changes_at, day, just_before
from tests.invalidating_writes import CHANGES, INSTANTS, estate, without_policies
from tests.stores.conftest import cypher
from tests.stores.neo4j_launcher import Neo4jServer
from tests.stores.test_neo4j_memo import Counting

pytestmark = pytest.mark.neo4j

CONTROLS = ["k-daily", "k-scoped", "k-wide"]


def stored_equals_fresh(store: Neo4jStore, controls: list[str]) -> None:
    stored = timelines.stored_timelines(store.connection.read, controls)
    fresh = timelines.fresh_timelines(store.connection.read, controls)
    assert set(stored) == set(fresh) == set(controls)
    for control in controls:
        assert stored[control] == fresh[control], control


def chunk_count(raw: Driver, control: str) -> int:
    [row] = cypher(raw, f"MATCH (k:{timelines.CHUNK}) WHERE k.control = $c RETURN count(k) AS n", c=control)
    return int(row["n"])


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_after_each_kind_of_write_the_stored_timelines_equal_a_fresh_build(neo4j: Neo4jStore, change: str) -> None:
    neo4j.write(estate().bundle())
    stored_equals_fresh(neo4j, CONTROLS)
    CHANGES[change](neo4j)
    stored_equals_fresh(neo4j, CONTROLS)


def long_history(builder: GraphBuilder, control: str, items: int) -> GraphBuilder:
    """Daily items every other day: each one valid for a day, then expired (two segments each)."""
    builder.control(control, frequency="daily", applies_to=["a1", "a2"])
    for n in range(items):
        builder.evidence(control, day(-2 * n), covers=["a1"] if n % 3 == 0 else [], eid=f"{control}-{n}")
    return builder


@pytest.fixture
def two_long() -> Iterator[tuple[GraphBuilder, EmbeddedStore]]:
    builder = long_history(GraphBuilder().asset("a1").asset("a2"), "k-long", 700)
    embedded = EmbeddedStore()
    embedded.write(builder.bundle())
    yield builder, embedded
    embedded.close()


def verdicts_agree(neo4j: Neo4jStore, embedded: EmbeddedStore, instants: list[Any]) -> None:
    for at in instants:
        assert neo4j.control_verdicts(["k-long"], at) == embedded.control_verdicts(["k-long"], at), at


def test_a_long_timeline_is_cut_into_chunks_each_answering_its_instants(
    neo4j: Neo4jStore, raw: Driver, two_long: tuple[GraphBuilder, EmbeddedStore]
) -> None:
    builder, embedded = two_long
    neo4j.write(builder.bundle())
    assert chunk_count(raw, "k-long") > 2  # about 1,400 segments, cut every SEGMENTS
    stored_equals_fresh(neo4j, ["k-long"])
    # A write moving the past only: the chunks keep their bounds, the timeline is a fresh one's.
    back = GraphBuilder().evidence("k-long", day(-1397), eid="k-long-back")
    neo4j.write(back.bundle())
    embedded.write(back.bundle())
    stored_equals_fresh(neo4j, ["k-long"])
    instants = [day(-2 * n + f) for n in range(0, 700, 37) for f in (-1.5, -1, 0, 0.5, 1)] + [day(-1500), day(10)]
    verdicts_agree(neo4j, embedded, [*instants, *(just_before(at) for at in instants)])
    # A write at the end moves the last chunk only: the others are not rewritten.
    before = cypher(raw, f"MATCH (k:{timelines.CHUNK}) WHERE k.control = 'k-long' RETURN k.start AS s, k.times AS t")
    late = GraphBuilder().evidence("k-long", day(1), covers=["a2"], eid="k-long-late")
    neo4j.write(late.bundle())
    embedded.write(late.bundle())
    after = cypher(raw, f"MATCH (k:{timelines.CHUNK}) WHERE k.control = 'k-long' RETURN k.start AS s, k.times AS t")
    moved = [row for row in after if row not in before]
    assert len(moved) == 1 and moved[0]["s"] == max(row["s"] for row in after)
    stored_equals_fresh(neo4j, ["k-long"])
    verdicts_agree(neo4j, embedded, [day(0.5), day(1), day(1.5), day(2), day(3)])


def drop_timelines(raw: Driver) -> None:
    cypher(raw, f"MATCH (k:{timelines.CHUNK}) DELETE k")


def test_a_database_written_without_timelines_gets_them_at_open(
    neo4j: Neo4jStore, raw: Driver, neo4j_server: Neo4jServer
) -> None:
    neo4j.write(estate().bundle())
    expected = {at: neo4j.control_verdicts(CONTROLS, at) for at in INSTANTS}
    drop_timelines(raw)  # as today's main left it: no chunk at all
    reopened = Neo4jStore(neo4j_server.uri, neo4j_server.user, neo4j_server.password, neo4j_server.database)
    try:
        assert all(chunk_count(raw, c) == 1 for c in CONTROLS)
        stored_equals_fresh(reopened, CONTROLS)
        assert {at: reopened.control_verdicts(CONTROLS, at) for at in INSTANTS} == expected
    finally:
        reopened.close()


def test_a_control_found_without_a_timeline_gets_it_on_the_first_read(neo4j: Neo4jStore, raw: Driver) -> None:
    neo4j.write(estate().bundle())
    expected = {at: neo4j.control_verdicts(CONTROLS, at) for at in INSTANTS}
    drop_timelines(raw)  # written meanwhile by a process of the old version
    version = neo4j.graph_version()
    assert {at: neo4j.control_verdicts(CONTROLS, at) for at in INSTANTS} == expected
    assert all(chunk_count(raw, c) == 1 for c in CONTROLS)
    assert neo4j.graph_version() == version  # written back, but no graph change


def test_verdicts_at_a_new_instant_after_a_write_are_one_statement(neo4j_server: Neo4jServer) -> None:
    store = Counting(neo4j_server.uri, neo4j_server.user, neo4j_server.password, neo4j_server.database)
    try:
        store.clear()
        store.write(without_policies().bundle())
        for n, at in enumerate((day(0.5), day(0.6))):
            store.write(GraphBuilder().evidence("k-wide", at, eid=f"e-new-{n}").bundle())
            store.sent.clear()
            store.control_verdicts(CONTROLS, at)
            assert store.sent == [timelines.AT]
    finally:
        store.close()


def test_a_control_whose_findings_may_hold_assets_back_is_answered_by_cypher(neo4j_server: Neo4jServer) -> None:
    """The timelines hold the evidence rules only: k-scoped (a finding policy, findings on its
    assets) is answered by the per-instant Cypher, the others still by one statement; all as the
    embedded store answers, also after a finding is first seen and one is fixed."""
    store = Counting(neo4j_server.uri, neo4j_server.user, neo4j_server.password, neo4j_server.database)
    embedded = estate().write_to(EmbeddedStore())
    try:
        store.clear()
        store.write(estate().bundle())
        store.control_verdicts(["k-daily", "k-wide"], day(0.5))
        store.sent.clear()
        store.control_verdicts(["k-daily", "k-wide"], day(0.6))
        assert store.sent == [timelines.AT]
        store.control_verdicts(["k-scoped"], day(0.6))
        assert reads.CONTROL_VERDICTS in store.sent
        for write in ("", "a finding is first seen", "a finding is fixed by a later scan"):
            if write:
                CHANGES[write](store)
                CHANGES[write](embedded)
            for at in INSTANTS:
                assert store.control_verdicts(CONTROLS, at) == embedded.control_verdicts(CONTROLS, at), (write, at)
    finally:
        store.close()
        embedded.close()


def test_a_refused_write_leaves_the_timelines_as_they_were(neo4j: Neo4jStore, raw: Driver) -> None:
    neo4j.write(estate().bundle())
    query = (
        f"MATCH (k:{timelines.CHUNK}) RETURN k.control AS c, k.start AS s, k.times AS t, k.counts AS n ORDER BY c, s"
    )
    before = cypher(raw, query)
    edited = GraphBuilder().evidence("k-wide", day(-20), status="rejected", eid="e-wide")
    with pytest.raises(ConflictError):  # evidence is immutable: rewriting a recorded item is refused
        neo4j.write(edited.bundle(), immutable_evidence=True)
    assert cypher(raw, query) == before
    with pytest.raises(ConflictError):  # a new item and a rewrite of a recorded one: neither is written
        both = GraphBuilder().evidence("k-wide", day(0.9), eid="e-fresh")
        neo4j.write(
            Bundle.model_validate({**both.data, "evidence": [*both.data["evidence"], *edited.data["evidence"]]}),
            immutable_evidence=True,
        )
    assert cypher(raw, query) == before


def test_changes_alone_move_their_pairs_to_what_a_fresh_build_gives(neo4j: Neo4jStore) -> None:
    """recordChange's writes (changes only) take the pair-by-pair path: scoped and plain pairs,
    an asset no control applies to, back-dated changes, a change recorded again (nothing moves)."""
    neo4j.write(estate().bundle())
    for assets, at in (
        (["a1", "a4"], day(0.3)),
        (["a1"], day(-3)),
        (["a2", "a3"], day(2)),
        (["a1", "a2", "a3"], day(-60)),
        (["a3"], day(2)),
    ):
        neo4j.write(changes_at(assets, at))
        stored_equals_fresh(neo4j, CONTROLS)


def test_a_change_supposed_after_the_instant_asked_is_no_change_there(neo4j: Neo4jStore) -> None:
    """impact's what-if at an instant before the supposed change: nothing stale yet, on both
    stores (the embedded timelines once counted it as changed already)."""
    embedded = EmbeddedStore()
    try:
        for store in (embedded, neo4j):
            store.write(estate().bundle())
        assume = Assumption(assets=frozenset({"a1", "a2", "a3"}), changed_at=day(0.9))
        for at in (day(0.5), day(0.9), day(1)):
            assert embedded.control_verdicts(CONTROLS, at, assume) == neo4j.control_verdicts(CONTROLS, at, assume)
            states = [s.model_dump() for s in embedded.control_states(CONTROLS, at, assume)]
            assert states == [s.model_dump() for s in neo4j.control_states(CONTROLS, at, assume)]
        assert embedded.control_verdicts(CONTROLS, day(0.5), assume) == embedded.control_verdicts(CONTROLS, day(0.5))
    finally:
        embedded.close()


def test_new_items_alone_move_their_pairs_to_what_a_fresh_build_gives(neo4j: Neo4jStore) -> None:
    """recordEvidence's writes (new items only) take the from-their-instant path: unscoped and
    scoped items, a control applying to no asset, back-dated,
    pending, rejected and valid-until items, several controls in one write."""
    neo4j.write(estate().bundle())
    neo4j.write(changes_at(["a2"], day(-6)))  # a pair with changes and no scoped item of its own
    writes = [
        GraphBuilder().evidence("k-wide", day(-30), eid="n1").evidence("k-scoped", day(-7), covers=["a1"], eid="n2"),
        GraphBuilder().evidence("k-daily", day(3), status="rejected", eid="n3").evidence("k-daily", day(0.1), eid="n4"),
        GraphBuilder().evidence("k-scoped", day(-100), valid_until=day(-1), eid="n5"),
        GraphBuilder().evidence("k-wide", day(0.5), status="pending", eid="n6"),
        GraphBuilder().evidence("k-scoped", day(0.8), covers=["a2"], eid="n7"),
    ]
    for builder in writes:
        neo4j.write(builder.bundle(), immutable_evidence=True)
        stored_equals_fresh(neo4j, CONTROLS)


def test_new_unscoped_items_move_the_counts_by_rule_or_refold_when_an_asset_changed_inside(
    neo4j: Neo4jStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """recordEvidence of unscoped items (graph/stores/neo4j/timeline_unscoped.py): on a control
    with mixed scoped/unscoped pairs and changes, an item whose validity holds no change moves
    the stored counts by the rule per state code; one with a change inside, one beside a scoped
    item in the same write, and a control applying to no asset take the refold; every time the
    stored timeline equals a fresh build."""
    from graph.stores.neo4j import moved, timeline_unscoped

    by_rule: list[set[str]] = []

    def spy(tx: Any, bundle: Bundle, controls: Any) -> set[str]:
        done = timeline_unscoped.add_unscoped(tx, bundle, controls)
        by_rule.append(done)
        return done

    monkeypatch.setattr(moved, "add_unscoped", spy)
    neo4j.write(estate().bundle())
    neo4j.write(changes_at(["a2"], day(-6)))  # k-scoped: a1 scoped, a2 scoped and changed
    writes: list[tuple[GraphBuilder, set[str]]] = [
        (GraphBuilder().evidence("k-scoped", day(-3), eid="u1"), {"k-scoped"}),  # valid after the change
        (GraphBuilder().evidence("k-scoped", day(-8), eid="u2"), set()),  # the change at -6 inside
        (GraphBuilder().evidence("k-scoped", day(-40), status="pending", eid="u3"), {"k-scoped"}),
        (GraphBuilder().evidence("k-scoped", day(-90), status="rejected", eid="u4"), {"k-scoped"}),
        (GraphBuilder().evidence("k-scoped", day(-70), valid_until=day(-65), eid="u5"), {"k-scoped"}),
        (
            GraphBuilder().evidence("k-scoped", day(0.5), eid="u6").evidence("k-scoped", day(0.7), eid="u7"),
            {"k-scoped"},
        ),
        (
            GraphBuilder().evidence("k-scoped", day(1), eid="u8").evidence("k-scoped", day(1), covers=["a1"], eid="s1"),
            set(),
        ),
        (GraphBuilder().evidence("k-wide", day(0.2), eid="u9"), set()),  # no asset: the pseudo-pair
        (
            GraphBuilder().evidence("k-daily", day(0.9), eid="u10").evidence("k-scoped", day(2), eid="u11"),
            {"k-daily", "k-scoped"},
        ),
    ]
    for builder, expected in writes:
        neo4j.write(builder.bundle(), immutable_evidence=True)
        assert by_rule[-1] == expected
        stored_equals_fresh(neo4j, CONTROLS)


@pytest.mark.parametrize("policies", [False, True], ids=["timelines", "findings-by-cypher"])
def test_a_change_supposed_at_the_instant_asked_moves_the_stored_counts_as_the_embedded_store_does(
    neo4j_server: Neo4jServer, policies: bool
) -> None:
    """impact's what-if (a change supposed at T, asked at T) on Neo4j: the counts at T from the
    stored timelines with the pairs OK only by items older than T made stale, from one read
    (reads.FRESH_AT) shared with impact's stale evidence; equal to the embedded store's answer
    for scoped, unscoped and changed pairs, an item collected at T itself (its pairs stay OK)
    and, with the finding policy, a control answered by Cypher with the change supposed."""
    builder = estate() if policies else without_policies()
    store = Counting(neo4j_server.uri, neo4j_server.user, neo4j_server.password, neo4j_server.database)
    embedded = builder.write_to(EmbeddedStore())
    try:
        store.clear()
        store.write(builder.bundle())
        at_t = GraphBuilder().evidence("k-scoped", day(0.5), covers=["a1"], eid="at-1")
        for write in (changes_at(["a2"], day(-6)), at_t.evidence("k-daily", day(0.5), eid="at-2").bundle()):
            store.write(write)
            embedded.write(write)
        for assets in (["a1"], ["a2", "a3"], ["a1", "a2", "a3", "a4"]):
            for at in [*INSTANTS, day(-6), day(0.5), just_before(day(0.5))]:
                assume = Assumption(assets=frozenset(assets), changed_at=at)
                expected = embedded.control_verdicts(CONTROLS, at, assume)
                assert store.control_verdicts(CONTROLS, at, assume) == expected, (assets, at)
        # impact asks for the stale evidence, then the what-if verdicts: one read of FRESH_AT serves both.
        store.sent.clear()
        store.becoming_stale(["a3"], day(0.6))
        store.control_verdicts(["k-daily", "k-wide"], day(0.6), Assumption(frozenset({"a3"}), day(0.6)))
        assert store.sent == [memo.READ, reads.FRESH_AT, timelines.AT, memo.READ]
    finally:
        store.close()
        embedded.close()
