"""Blast radius stays local: PROFILE shows the Cypher touching the neighbourhood, not the graph.

2,000 assets in two components: a big, dense and cyclic one (1,990 assets, ~6,000 DEPENDS_ON
edges, controls and evidence) and a small one (10 assets in a cycle). The database hits of the
blast-radius queries for an asset of the small component are compared with the size of the big
one; the same queries from the big component show the measure does see work when there is some.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
from neo4j import GraphDatabase

from graph.bundle import Bundle
from graph.model import FREQUENCY_DAYS
from graph.stores.neo4j import Neo4jStore, memo, radius, reads
from tests.graphs import T0, GraphBuilder, day
from tests.stores.neo4j_launcher import Neo4jServer

pytestmark = pytest.mark.neo4j

BIG, SMALL = 1990, 10


def two_components() -> Bundle:
    rng = random.Random(7)
    g = GraphBuilder().framework("fw").criterion("C1").criterion("C2").vendor("cloud", provides=["big-0"])
    for i in range(BIG):
        g.asset(f"big-{i}")
    for i in range(BIG):
        for j in rng.sample(range(BIG), 3):
            if j != i:
                g.depends(f"big-{i}", f"big-{j}")
    for c in range(40):
        g.control(f"big-ctl-{c}", satisfies=["fw:C1"], applies_to=[f"big-{rng.randrange(BIG)}" for _ in range(20)])
        for e in range(8):
            g.evidence(f"big-ctl-{c}", day(-e * 10), eid=f"big-ev-{c}-{e}")
    for i in range(SMALL):
        g.asset(f"small-{i}")
        g.depends(f"small-{(i + 1) % SMALL}", f"small-{i}")  # a cycle
    g.control("small-ctl", satisfies=["fw:C2"], applies_to=["small-0", "small-5"])
    g.evidence("small-ctl", day(-1), eid="small-ev-1").evidence("small-ctl", day(-2), covers=["small-5"])
    g.vendor("labeller", provides=["small-3"])
    return _dedupe(g.bundle())


def _dedupe(bundle: Bundle) -> Bundle:
    """Random applies_to picks repeat now and then; a bundle lists each link once."""
    data = bundle.model_dump()
    for name in ("applies_to", "depends_on"):
        seen, unique = set(), []
        for link in data[name]:
            if (link["source"], link["target"]) not in seen:
                seen.add((link["source"], link["target"]))
                unique.append(link)
        data[name] = unique
    return Bundle.model_validate(data)


@pytest.fixture(scope="module")
def loaded(neo4j_server: Neo4jServer) -> Iterator[Neo4jServer]:
    store = Neo4jStore(neo4j_server.uri, neo4j_server.user, neo4j_server.password, neo4j_server.database)
    store.clear()
    store.write(two_components())
    store.close()
    # Plans follow statistics, which Neo4j refreshes lazily: resample them and drop cached plans,
    # so the measure does not depend on what the session's database held before.
    with (
        GraphDatabase.driver(neo4j_server.uri, auth=(neo4j_server.user, neo4j_server.password)) as driver,
        driver.session(database=neo4j_server.database) as session,
    ):
        session.run("CALL db.prepareForReplanning()").consume()
        session.run("CALL db.clearQueryCaches()").consume()
    yield neo4j_server


def db_hits(server: Neo4jServer, query: str, **params: Any) -> int:
    with (
        GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver,
        driver.session(database=server.database) as session,
    ):
        list(session.run(query, params))  # plan it first; profile it as a warm server runs it
        result = session.run("PROFILE " + query, params)
        list(result)  # the profile counts the rows actually pulled
        summary = result.consume()
    assert summary.profile is not None

    def total(plan: dict[str, Any]) -> int:
        return int(plan.get("dbHits", 0)) + sum(total(child) for child in plan.get("children", []))

    return total(summary.profile)


def blast_radius_hits(server: Neo4jServer, asset: str) -> tuple[int, int]:
    store = Neo4jStore(server.uri, server.user, server.password, server.database)
    try:
        reached = list(store.dependents(asset, None))
    finally:
        store.close()
    dependents = db_hits(server, radius.dependents(None), id=asset)
    around = db_hits(server, radius.NEIGHBOURHOOD, ids=reached)
    print(f"{asset}: dependents {dependents}, neighbourhood {around}")
    stale = db_hits(
        server,
        reads.FRESH_AT,
        ids=reached,
        at=T0,
        freqDays={f.value: d for f, d in FREQUENCY_DAYS.items()},
    )
    return dependents, around + stale


def test_blast_radius_of_a_small_component_touches_only_that_component(loaded: Neo4jServer) -> None:
    small_dependents, small_around = blast_radius_hits(loaded, "small-3")
    big_dependents, big_around = blast_radius_hits(loaded, "big-0")
    print(
        f"small component: dependents {small_dependents} db hits, neighbourhood + stale {small_around}; "
        f"big component: dependents {big_dependents}, neighbourhood + stale {big_around}"
    )
    # Ten assets, one control, two evidence items: some tens of hits per element, where a single
    # pass over the big component (1,990 assets, ~6,000 edges) would cost thousands.
    assert small_dependents < 200
    assert small_dependents + small_around < BIG / 2
    # The measure does see work when there is some: every dependent of big-0 is visited (once:
    # the breadth-first expansion is linear, not explosive).
    assert big_dependents > BIG
    assert (small_dependents + small_around) * 50 < big_dependents + big_around


def test_the_one_statement_blast_radius_stays_local_and_checks_a_known_version_alone(loaded: Neo4jServer) -> None:
    """`radius.blast_radius`, the store's one round trip: as local as its two parts, breadth-first
    (each dependent once), and next to nothing when the caller's remembered version is current."""
    unknown = {"epoch": None, "n": None}
    small = db_hits(loaded, radius.blast_radius(None), id="small-3", **unknown)
    big = db_hits(loaded, radius.blast_radius(None), id="big-0", **unknown)
    print(f"one statement: small component {small} db hits, big component {big}")
    assert small < BIG / 2 and small * 50 < big
    with (
        GraphDatabase.driver(loaded.uri, auth=(loaded.user, loaded.password)) as driver,
        driver.session(database=loaded.database) as session,
    ):
        [version] = list(session.run(memo.READ))
        plan = session.run("EXPLAIN " + radius.blast_radius(None), id="big-0", **unknown).consume().plan
    assert plan is not None and any(op.startswith("VarLengthExpand(Pruning") for op in _operators(plan))
    known = {"epoch": version["epoch"], "n": version["n"]}
    assert db_hits(loaded, radius.blast_radius(None), id="big-0", **known) < 20


def _operators(plan: dict[str, Any]) -> Iterator[str]:
    yield str(plan["operatorType"]).split("@")[0]
    for child in plan.get("children", []):
        yield from _operators(child)


def test_every_query_that_starts_from_ids_seeks_them_instead_of_scanning(loaded: Neo4jServer) -> None:
    """Planner choices follow statistics; EXPLAIN on a 2,000-asset graph keeps them honest."""
    from graph.model import Label, Rel
    from graph.stores.neo4j import accepted, timeline_unscoped, writes
    from graph.stores.neo4j.samples import ACCEPTED_EVIDENCE_ITEMS

    states = {"at": T0, "freqDays": {f.value: d for f, d in FREQUENCY_DAYS.items()}, "assumed": [], "assumedAt": None}
    queries: dict[str, tuple[str, dict[str, Any]]] = {
        "fresh_at": (reads.FRESH_AT, {"ids": ["small-1"], **states}),
        "control_verdicts": (reads.CONTROL_VERDICTS, {"ids": ["small-ctl"], **states}),
        "control_states": (reads.CONTROL_STATES_OF, {"ids": ["small-ctl"], **states}),
        "satisfying_controls": (reads.SATISFYING_CONTROLS, {"ids": ["fw:C2"]}),
        "mappings_touching": (reads.MAPPINGS_TOUCHING, {"ids": ["fw:C2"]}),
        "mappings_between": (reads.MAPPINGS_BETWEEN, {"a": "fw", "b": "fw"}),
        "framework_criteria": (reads.FRAMEWORK_CRITERIA, {"framework": "fw"}),
        "accepted items revisions": (accepted.ITEM_REVISIONS, {"ids": ["small-ctl"]}),
        "changed inside an item's validity": (
            timeline_unscoped.CHANGED_INSIDE,
            {"rows": [{"control": "small-ctl", "lo": [0, 0], "hi": [86400, 0]}]},
        ),
        "accepted items": (accepted.ACCEPTED_OF, {"ids": ["small-ctl"]}),
        "accepted_evidence_items": (ACCEPTED_EVIDENCE_ITEMS, {"id": "small-ctl", "start": T0, "end": T0}),
        "neighbourhood": (radius.NEIGHBOURHOOD, {"ids": ["small-1"]}),
        "dependents": (radius.dependents(None), {"id": "small-1"}),
        "dependents 2": (radius.dependents(2), {"id": "small-1"}),
        **{
            f"blast_radius {depth}": (radius.blast_radius(depth), {"id": "small-1", "epoch": None, "n": None})
            for depth in (None, 0, 2)
        },
        "existing_ids": (writes.existing_ids(Label.ASSET), {"ids": ["small-1"]}),
        **{f"get_nodes {label}": (reads.get_nodes(label), {"ids": ["small-1"]}) for label in Label},
        **{
            f"related {rel} {reverse}": (reads.related(rel, reverse), {"ids": ["small-1"]})
            for rel in Rel
            for reverse in (False, True)
        },
    }
    scanning = {}
    with (
        GraphDatabase.driver(loaded.uri, auth=(loaded.user, loaded.password)) as driver,
        driver.session(database=loaded.database) as session,
    ):
        for name, (query, params) in queries.items():
            plan = session.run("EXPLAIN " + query, params).consume().plan
            assert plan is not None
            scans = [op for op in _operators(plan) if "Scan" in op]
            if scans:
                scanning[name] = scans
    assert scanning == {}
