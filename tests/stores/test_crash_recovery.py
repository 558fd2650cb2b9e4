"""Crash recovery on a real Neo4j: SIGKILL the server mid-load, restart it, count.

A dedicated server of tools/neo4j (its own port and data dir) is killed with SIGKILL, as in a
power cut: no shutdown hook, no checkpoint. After a restart on the same data dir the batch that
was being written must be there wholly or not at all, and a write acknowledged before the kill
must be there.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import GraphDatabase

from graph.bundle import Bundle, dump_bundle
from graph.model import Label
from graph.stores.neo4j import Neo4jStore
from tests.graphs import GraphBuilder, changed_at, changes_at, day
from tests.stores.neo4j_launcher import REPO, LocalNeo4j, ServerUnavailable, private_server

pytestmark = pytest.mark.neo4j

ASSETS = 12_000  # big enough that the write transaction takes seconds, so the kill lands inside it

LOADER = """
import sys
from pathlib import Path
from graph.bundle import read_bundle_file
from graph.stores.neo4j import Neo4jStore

uri, password, path = sys.argv[1:4]
bundle = read_bundle_file(Path(path))
store = Neo4jStore(uri, "neo4j", password, max_transaction_retry_time=0.0)
print("writing", flush=True)
store.write(bundle)
print("done", flush=True)
"""


@pytest.fixture(scope="module")
def dedicated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalNeo4j]:
    """One server for the module (each test kills and restarts it), never the session's one."""
    with private_server(tmp_path_factory.mktemp("crash") / "neo4j") as local:
        yield local


@pytest.fixture
def server(dedicated: LocalNeo4j) -> LocalNeo4j:
    if not dedicated.listening():
        restart(dedicated)  # a failed test may have left it killed
    store = store_of(dedicated)
    store.clear()
    store.close()
    return dedicated


def store_of(local: LocalNeo4j) -> Neo4jStore:
    server = local.server
    return Neo4jStore(server.uri, server.user, server.password)


def restart(local: LocalNeo4j) -> None:
    try:
        local.start()
    except ServerUnavailable as error:
        pytest.fail(f"Neo4j did not come back after SIGKILL: {error}", pytrace=False)


def counts(local: LocalNeo4j, prefix: str) -> tuple[int, int]:
    """Nodes whose id starts with `prefix`, and relationships leaving them."""
    server = local.server
    with GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (n) WHERE n.id STARTS WITH $prefix "
            "OPTIONAL MATCH (n)-[r]->() RETURN count(DISTINCT n) AS nodes, count(r) AS rels",
            prefix=prefix,
        )
    return records[0]["nodes"], records[0]["rels"]


def big_batch() -> Bundle:
    g = GraphBuilder().framework("crash-fw").criterion("C1", fw="crash-fw")
    for i in range(ASSETS):
        g.asset(f"crash-a{i}")
        if i:
            g.depends(f"crash-a{i}", f"crash-a{i - 1}")
    for c in range(200):
        g.control(f"crash-c{c}", satisfies=["crash-fw:C1"], applies_to=[f"crash-a{i}" for i in range(c, ASSETS, 200)])
        g.evidence(f"crash-c{c}", day(-1), eid=f"crash-e{c}")
    return g.bundle()


def in_flight_query(local: LocalNeo4j) -> str | None:
    """The statement the loader's write transaction is running now, if any."""
    server = local.server
    with GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
        records, _, _ = driver.execute_query("SHOW TRANSACTIONS YIELD currentQuery RETURN currentQuery")
    for record in records:
        query = record["currentQuery"] or ""
        if "UNWIND $rows" in query:
            return str(query)
    return None


@pytest.mark.parametrize(
    "phase",
    [
        pytest.param("CREATE (n:", id="while-writing-nodes"),
        pytest.param("CREATE (s)-[r:", id="while-writing-relationships"),
    ],
)
def test_a_batch_killed_mid_load_is_wholly_there_or_wholly_absent(
    server: LocalNeo4j, tmp_path: Path, phase: str
) -> None:
    base = GraphBuilder().framework("base-fw").asset("base-a").asset("base-b").depends("base-a", "base-b")
    store = store_of(server)
    store.write(base.bundle())
    store.close()
    batch = big_batch()
    expected = (len(list(batch.nodes())), len(list(batch.edges())))
    path = tmp_path / "batch.json"
    dump_bundle(batch, path)

    loader = subprocess.Popen(
        [sys.executable, "-c", LOADER, server.server.uri, server.password, str(path)],
        cwd=REPO,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            query = in_flight_query(server)
            if query is not None and phase in query:
                break
            assert loader.poll() is None, f"the loader ended before the kill: {loader.communicate()}"
            assert time.monotonic() < deadline, "the write transaction never reached the phase to kill in"
            time.sleep(0.02)
        server.kill()
    finally:
        loader.kill()
        out, _err = loader.communicate()
    assert "done" not in out, "the write was acknowledged before the kill; the kill did not land mid-load"

    restart(server)
    found = counts(server, "crash-")
    print(f"killed {phase!r}: after restart {found} of {expected} (nodes, relationships)")
    assert found in {(0, 0), expected}
    assert counts(server, "base-") == (3, 1)  # what was committed before is untouched

    # The database is usable again, and the same batch loads whole.
    store = store_of(server)
    try:
        store.write(batch)
        assert counts(server, "crash-") == expected
    finally:
        store.close()


def test_an_acknowledged_write_survives_sigkill(server: LocalNeo4j) -> None:
    bundle = (
        GraphBuilder()
        .framework("fw")
        .criterion("C1")
        .asset("model", changed_at=day(-2))
        .control("ctl", satisfies=["fw:C1"], applies_to=["model"])
        .evidence("ctl", day(-1), eid="ev")
        .bundle()
    )
    store = store_of(server)
    store.write(bundle)
    store.write(changes_at(["model"], day(0)))
    exported = store.export()
    store.close()
    server.kill()  # right after the acknowledgement: no clean shutdown, no checkpoint

    restart(server)
    store = store_of(server)
    try:
        assert store.export() == exported
        assert changed_at(store, "model") == day(0)
    finally:
        store.close()


def test_a_killed_server_is_reported_unavailable_and_the_store_recovers(server: LocalNeo4j) -> None:
    from graph.errors import StoreUnavailableError

    store = store_of(server)
    try:
        store.write(GraphBuilder().asset("a").bundle())
        server.kill()
        with pytest.raises(StoreUnavailableError):
            store.ping()
        restart(server)
        store.ping()  # the same driver reconnects once the server is back
        assert store.count_nodes(Label.ASSET) == 1
    finally:
        store.close()
