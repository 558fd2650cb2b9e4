"""Crash tests over real HTTP: many concurrent writers, SIGKILL at random moments, restart.

After every restart each acknowledged write is there, no write is there in part (each one upserts
three assets in one mutation: all three or none), and the audit log holds exactly one `ok` entry
per write that is there, its chain intact. On the embedded store and on Neo4j the service
process is killed; on Neo4j, separately, the database server is killed under the running service.
The seed of the random kill times is printed, to replay a failure.
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from graph.access.audit import verify
from graph.model import Label
from graph.store import GraphStore
from graph.stores.embedded import EmbeddedStore
from tests.service.test_durability import AUTH, server
from tests.stores.neo4j_launcher import LocalNeo4j, Neo4jServer, private_server

WRITERS = 8
ROUNDS = 3
SEED = int(os.environ.get("ATTESTGRAPH_CRASH_SEED", str(random.randrange(1 << 30))))


@dataclass
class Ledger:
    """What the writers were told: acknowledged writes, and those whose fate they never learnt."""

    acked: set[str] = field(default_factory=set)
    unknown: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


def mutation(write_id: str) -> str:
    assets = ", ".join(f'{{id: "{write_id}-{i}", kind: MODEL, name: "{write_id}"}}' for i in range(3))
    return f"mutation {{ upsertAssets(assets: [{assets}]) {{ id }} }}"


def write_until(url: str, stop: threading.Event, ledger: Ledger, writer: int, start: int) -> None:
    n = start
    with httpx.Client(timeout=10, headers=AUTH) as client:
        while not stop.is_set():
            write_id = f"w{writer}-{n}"
            n += 1
            try:
                response = client.post(f"{url}/graphql", json={"query": mutation(write_id)})
                body = response.json() if response.status_code == 200 else {}
            except (httpx.TransportError, ValueError):
                body = {}
            with ledger.lock:
                if body.get("data") and not body.get("errors"):
                    ledger.acked.add(write_id)
                else:
                    ledger.unknown.add(write_id)
                    time.sleep(0.02)


def run_writers(url: str, ledger: Ledger, round_: int, crash: Callable[[], None]) -> None:
    stop = threading.Event()
    threads = [
        threading.Thread(target=write_until, args=(url, stop, ledger, w, round_ * 100_000)) for w in range(WRITERS)
    ]
    for t in threads:
        t.start()
    try:
        crash()
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)


def check(store: GraphStore, ledger: Ledger) -> int:
    """Every acknowledged write whole, nothing in part, one `ok` audit entry per write present."""
    ids = [f"{w}-{i}" for w in ledger.acked | ledger.unknown for i in range(3)]
    present = set(store.get_nodes(Label.ASSET, ids))
    whole = 0
    for write_id in ledger.acked | ledger.unknown:
        parts = {f"{write_id}-{i}" in present for i in range(3)}
        assert len(parts) == 1, f"{write_id} is there in part (seed {SEED})"
        if write_id in ledger.acked:
            assert parts == {True}, f"acknowledged {write_id} is missing (seed {SEED})"
        whole += parts == {True}
    entries = store.access.audit_entries(first=1_000_000)
    assert verify(entries).ok
    ok = [e for e in entries if e.operation == "Mutation.upsertAssets" and e.outcome == "ok"]
    assert len(ok) == whole, f"{len(ok)} ok entries for {whole} writes present (seed {SEED})"
    return whole


def kill_after(pid: int, delay: float, ledger: Ledger) -> Callable[[], None]:
    """SIGKILL `pid` `delay` seconds after this round's first acknowledged write (a cold Neo4j
    can take longer than the delay to answer at all, and a round with no write proves nothing)."""

    def crash() -> None:
        acked_before = len(ledger.acked)
        deadline = time.monotonic() + 60
        while len(ledger.acked) == acked_before and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)

    return crash


def crash_service_rounds(data_dir: Path, env: dict[str, str], open_store: Callable[[], GraphStore]) -> Ledger:
    rng = random.Random(SEED)
    ledger = Ledger()
    print(f"crash seed {SEED}")
    for round_ in range(ROUNDS):
        with server(data_dir, env) as (process, url):
            run_writers(url, ledger, round_, kill_after(process.pid, rng.uniform(0.0, 1.5), ledger))
            process.wait(timeout=10)
        store = open_store()
        try:
            check(store, ledger)
        finally:
            store.close()
    assert ledger.acked, "no write was acknowledged: the test proved nothing"
    return ledger


def test_killed_service_on_the_embedded_store_keeps_every_acknowledged_write(tmp_path: Path) -> None:
    crash_service_rounds(tmp_path, {}, lambda: EmbeddedStore(tmp_path / "attestgraph.sqlite3"))


def neo4j_env(db: Neo4jServer) -> dict[str, str]:
    env = {"ATTESTGRAPH_STORE": "neo4j", "NEO4J_URI": db.uri, "NEO4J_USER": db.user, "NEO4J_PASSWORD": db.password}
    if db.database:
        env["NEO4J_DATABASE"] = db.database
    return env


def open_neo4j(db: Neo4jServer) -> GraphStore:
    from graph.stores.neo4j import Neo4jStore

    return Neo4jStore(db.uri, db.user, db.password, db.database)


@pytest.mark.neo4j
def test_killed_service_on_neo4j_keeps_every_acknowledged_write(tmp_path: Path, neo4j_server: Neo4jServer) -> None:
    store = open_neo4j(neo4j_server)
    store.clear()  # type: ignore[attr-defined]
    store.close()
    crash_service_rounds(tmp_path, neo4j_env(neo4j_server), lambda: open_neo4j(neo4j_server))


@pytest.fixture
def own_neo4j(tmp_path: Path) -> Iterator[LocalNeo4j]:
    """A Neo4j of this test's own (it is killed), never the session's."""
    with private_server(tmp_path / "neo4j") as local:
        yield local


@pytest.mark.neo4j
def test_killed_neo4j_under_a_running_service_loses_no_acknowledged_write(
    tmp_path: Path, own_neo4j: LocalNeo4j
) -> None:
    rng = random.Random(SEED)
    ledger = Ledger()
    print(f"crash seed {SEED}")
    with server(tmp_path, neo4j_env(own_neo4j.server)) as (_process, url):

        def crash() -> None:
            time.sleep(rng.uniform(0.5, 2.0))
            own_neo4j.kill()
            own_neo4j.start()  # same data dir: recovery from its transaction log
            time.sleep(1.0)  # the writers go on against the recovered database

        run_writers(url, ledger, 0, crash)
        before = len(ledger.acked)
        # The service itself came through: it answers again without a restart.
        # (The driver may need a while to drop its dead connections: ask until it answers, bounded.)
        deadline, answered = time.monotonic() + 120, False
        while not answered and time.monotonic() < deadline:
            try:
                response = httpx.post(f"{url}/graphql", json={"query": mutation("after")}, headers=AUTH, timeout=30)
                answered = bool(response.status_code == 200 and response.json().get("data"))
            except httpx.TransportError:
                pass
            if not answered:
                time.sleep(1)
        assert answered, "the service did not recover after Neo4j came back"
    store = open_neo4j(own_neo4j.server)
    try:
        ledger.acked.add("after")
        check(store, ledger)
    finally:
        store.close()
    assert before > 0
