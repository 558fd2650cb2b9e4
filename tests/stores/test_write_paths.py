"""The Neo4j write creates what is new (CREATE) and merges what is stored (MERGE): a bundle mixing
both must leave the graph the embedded store leaves, and a concurrent creator of a "new" id
must be noticed, never duplicated or half-written."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from neo4j import Driver

from graph.bundle import Bundle
from graph.checks.evidence_immutability import EvidenceConflict
from graph.errors import ConflictError
from graph.model import Label
from graph.stores.embedded import EmbeddedStore
from graph.stores.neo4j import Neo4jStore, writes
from tests.graphs import GraphBuilder, day
from tests.stores.conftest import cypher

pytestmark = pytest.mark.neo4j


def stored() -> GraphBuilder:
    return (
        GraphBuilder()
        .framework("fw")
        .criterion("C1")
        .criterion("C1.1", parent="fw:C1")
        .asset("a")
        .asset("b", kind="dataset")
        .depends("a", "b", "trained_on")
        .control("ctl", satisfies=["fw:C1.1"], applies_to=["a"])
        .vendor("v", provides=["a"])
        .evidence("ctl", day(-2), covers=["a"], eid="e1")
    )


def mixed() -> Bundle:
    """New nodes beside stored ones, and edges new -> stored, stored -> new, new -> new (of the
    same label and of a label written earlier or later), stored -> stored (present or not),
    some listed twice."""
    return (
        GraphBuilder()
        .framework("fw")
        .criterion("C1.1")  # stored: loses its parent (CHILD_OF replaced by nothing)
        .criterion("C2", parent="fw:C1")  # new -> stored, same label
        .criterion("C3", parent="fw:C2")  # new -> new, same label
        .asset("a", kind="endpoint")  # stored: new kind, new properties
        .asset("c")
        .asset("d", kind="dataset")
        .depends("a", "b", "calls")  # stored -> stored, present: properties replaced
        .depends("c", "a")  # new -> stored
        .depends("c", "d")  # new -> new
        .depends("b", "d")  # stored -> new
        .depends("c", "d")  # twice
        .control("ctl", applies_to=["a", "c"])  # stored -> stored (present), stored -> new
        .control("ctl2", satisfies=["fw:C2", "fw:C1"], applies_to=["a", "c", "a"])  # a label written later
        .vendor("w", provides=["c", "a"])
        .relies_on("ctl2", "w")
        .threat("t", mitigated_by=["ctl", "ctl2"])
        .maps("fw:C3", "fw:C1.1", "equal")
        .bundle()
    ).merged(
        Bundle.model_validate(
            {
                "evidence": [  # new -> a control of a label written earlier
                    {"id": "e2", "title": "e2", "control": "ctl2", "collected_at": day(-1)},
                    # supersedes (only evidence of the same control): new -> stored
                    {"id": "e4", "title": "e4", "control": "ctl", "collected_at": day(-1), "supersedes": "e1"},
                    # new -> new of the same label (written in the same statement)
                    {"id": "e3", "title": "e3", "control": "ctl", "collected_at": day(-1), "supersedes": "e4"},
                ],
                "covers": [
                    {"source": "e2", "target": "c"},
                    {"source": "e2", "target": "a"},
                    {"source": "e3", "target": "a"},
                    {"source": "e3", "target": "a"},
                ],
            }
        )
    )


def test_a_bundle_mixing_new_and_stored_nodes_and_edges_leaves_the_graph_the_embedded_store_leaves(
    neo4j: Neo4jStore, raw: Driver
) -> None:
    reference = EmbeddedStore()
    for store in (reference, neo4j):
        store.write(stored().bundle(), immutable_evidence=True)
        store.write(mixed(), immutable_evidence=True)
    expected = reference.export()
    assert neo4j.export() == expected
    # Nothing duplicated behind the export: one relationship per (type, source, target).
    rels = cypher(raw, "MATCH (s)-[r]->(t) RETURN type(r) AS type, s.id AS source, t.id AS target")
    assert len(rels) == len({tuple(r.values()) for r in rels})
    assert cypher(raw, "MATCH (a:Asset {id: 'a'}) RETURN labels(a) AS labels") == [{"labels": ["Asset", "Endpoint"]}]
    assert cypher(raw, "MATCH (:Asset {id: 'a'})-[r:DEPENDS_ON]->(:Asset {id: 'b'}) RETURN r.kind AS kind") == [
        {"kind": "calls"}
    ]
    assert cypher(raw, "MATCH (:Criterion {id: 'fw:C1.1'})-[r:CHILD_OF]->() RETURN count(r) AS n") == [{"n": 0}]
    assert cypher(raw, "MATCH (n) WHERE n._lock IS NOT NULL OR n._created IS NOT NULL RETURN count(n) AS n") == [
        {"n": 0}
    ]
    reference.close()


def test_writing_the_same_mixed_bundle_again_changes_nothing(neo4j: Neo4jStore, raw: Driver) -> None:
    neo4j.write(stored().bundle(), immutable_evidence=True)
    neo4j.write(mixed(), immutable_evidence=True)
    before = neo4j.export(), cypher(raw, "MATCH ()-[r]->() RETURN count(r) AS n")
    neo4j.write(mixed(), immutable_evidence=True)  # every node stored now: the MERGE path only
    assert (neo4j.export(), cypher(raw, "MATCH ()-[r]->() RETURN count(r) AS n")) == before


def _hold_a_created_evidence(driver: Driver, bundle: Bundle) -> Any:
    """Open a transaction that creates the bundle's evidence nodes (as the store would) and keep
    it open: its unique-index entries make a second creator of those ids wait."""
    session = driver.session()
    tx = session.begin_transaction()
    rows = writes.plan_write(bundle).nodes[Label.EVIDENCE]
    tx.run(writes.create(Label.EVIDENCE, None, ()), rows=rows).consume()
    return session, tx


def _wait_until_blocked(driver: Driver, writer: threading.Thread) -> None:
    deadline = time.monotonic() + 60
    while writer.is_alive() and time.monotonic() < deadline:
        statuses = cypher(driver, "SHOW TRANSACTIONS YIELD status RETURN status")
        if any(str(row["status"]).startswith("Blocked") for row in statuses):
            return
        time.sleep(0.02)
    pytest.fail("the write never waited for the concurrent creator of its evidence id")


def _race(neo4j: Neo4jStore, raw: Driver, first: Bundle, second: Bundle) -> list[BaseException]:
    """`first` creates its evidence in an open transaction; `second` is written meanwhile (it
    finds the id absent, creates it and waits on the unique constraint), then `first` commits."""
    errors: list[BaseException] = []

    def write() -> None:
        try:
            neo4j.write(second, immutable_evidence=True)
        except BaseException as error:
            errors.append(error)

    session, tx = _hold_a_created_evidence(raw, first)
    writer = threading.Thread(target=write)
    try:
        writer.start()
        _wait_until_blocked(raw, writer)
        tx.commit()
    finally:
        session.close()
        writer.join()
    return errors


def test_a_concurrent_create_of_the_same_evidence_id_with_other_content_is_refused_whole(
    neo4j: Neo4jStore, raw: Driver
) -> None:
    neo4j.write(GraphBuilder().asset("a").control("ctl").bundle())
    theirs = GraphBuilder().evidence("ctl", day(-1), status="accepted", eid="race").bundle()
    ours = (
        GraphBuilder()
        .asset("new-asset")
        .control("ctl", applies_to=["new-asset", "a"])
        .evidence("ctl", day(-1), status="rejected", covers=["a"], eid="race")
        .evidence("ctl", day(-1), eid="bystander")
        .bundle()
    )
    [error] = _race(neo4j, raw, theirs, ours)
    assert isinstance(error, EvidenceConflict) and error.field == "evidence[0].status"
    # Nothing of ours was written: the first evidence stands as recorded, and nothing else exists.
    assert neo4j.get_nodes(Label.EVIDENCE, ["race"])["race"].status.value == "accepted"  # type: ignore[union-attr]
    assert cypher(raw, "MATCH (n) WHERE n.id IN ['new-asset', 'bystander'] RETURN n.id AS id") == []
    assert cypher(raw, "MATCH (:Evidence {id: 'race'})-[r]->() RETURN count(r) AS n") == [{"n": 0}]
    assert cypher(raw, "MATCH (e:Evidence {id: 'race'}) RETURN count(e) AS n") == [{"n": 1}]


def test_a_concurrent_create_of_the_same_evidence_is_a_harmless_retry(neo4j: Neo4jStore, raw: Driver) -> None:
    neo4j.write(GraphBuilder().asset("a").control("ctl").bundle())
    same = GraphBuilder().evidence("ctl", day(-1), eid="race").bundle()
    ours = same.merged(GraphBuilder().asset("new-asset").evidence("ctl", day(-2), eid="other").bundle())
    assert _race(neo4j, raw, same, ours) == []
    assert cypher(raw, "MATCH (e:Evidence {id: 'race'}) RETURN count(e) AS n") == [{"n": 1}]
    # The retry took the update path for `race` and still created the rest, edges included.
    assert cypher(raw, "MATCH (:Evidence {id: 'race'})-[r:EVIDENCES]->(:Control {id: 'ctl'}) RETURN count(r) AS n") == [
        {"n": 1}
    ]
    assert sorted(neo4j.get_nodes(Label.EVIDENCE, ["race", "other"])) == ["other", "race"]
    assert neo4j.get_nodes(Label.ASSET, ["new-asset"])


def test_a_write_whose_new_ids_keep_being_taken_gives_up_with_a_conflict(
    neo4j: Neo4jStore, raw: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A constraint failure that every attempt meets (here: the existence check made blind to a
    stored asset) ends as a ConflictError after a few attempts, nothing written."""
    neo4j.write(GraphBuilder().asset("taken").bundle())
    original, calls = writes.stored_ids, []

    def blind(tx: Any, plan: writes.WritePlan) -> dict[Label, set[str]]:
        calls.append(1)
        return {label: set() for label in original(tx, plan)}

    monkeypatch.setattr(writes, "stored_ids", blind)
    with pytest.raises(ConflictError, match="concurrent"):
        neo4j.write(GraphBuilder().asset("fresh").asset("taken").bundle())
    assert len(calls) > 1
    assert cypher(raw, "MATCH (n:Asset) RETURN n.id AS id") == [{"id": "taken"}]
