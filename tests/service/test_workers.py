"""`attestgraph serve --workers N`: several processes on one Neo4j database, as real subprocesses
on loopback. Every request goes on a fresh connection, so the kernel hands it to either worker;
`X-Attestgraph-Worker` (ATTESTGRAPH_WORKER_HEADER) says which process answered."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from graph.access.keys import Role, new_key, parse_key
from graph.model import Label
from graph.store import GraphStore
from graph.stores.embedded import EmbeddedStore
from graph.stores.neo4j import Neo4jStore
from service.auth.keys import bootstrap_admin_key
from service.settings import Settings
from tests.conftest import SCRATCH_LABEL
from tests.service.conftest import free_port
from tests.service.conftest import serving as in_process
from tests.stores.neo4j_launcher import Neo4jServer

KEY = re.compile(r"(ag_[0-9a-f]{16}_[A-Za-z0-9_-]{43})")
ROUNDS = 60  # write-then-read rounds; each also goes on until both workers answered (bounded below)
MAX_ROUNDS = 400


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    url: str
    key: str
    output: Path

    def post(self, query: str) -> tuple[dict[str, Any], int]:
        """The answer's body and the pid of the worker that gave it, over a new connection."""
        response = httpx.post(
            f"{self.url}/graphql",
            json={"query": query},
            headers={"Authorization": f"Bearer {self.key}", "Connection": "close"},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body
        return body["data"], int(response.headers["x-attestgraph-worker"])


@pytest.fixture
def neo4j_env(neo4j_server: Neo4jServer) -> Iterator[dict[str, str]]:
    """The environment of a server on the session's Neo4j, emptied first."""
    store = Neo4jStore(neo4j_server.uri, neo4j_server.user, neo4j_server.password, neo4j_server.database)
    store.clear()
    if neo4j_server.origin == "NEO4J_URI":
        store.connection.driver.execute_query(f"MERGE (:{SCRATCH_LABEL})", database_=neo4j_server.database)
    store.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ATTESTGRAPH_", "NEO4J_"))}
    env.update(
        {
            "ATTESTGRAPH_STORE": "neo4j",
            "NEO4J_URI": neo4j_server.uri,
            "NEO4J_USER": neo4j_server.user,
            "NEO4J_PASSWORD": neo4j_server.password,
            "ATTESTGRAPH_RATE_LIMIT": "0",
            "ATTESTGRAPH_WORKER_HEADER": "true",
        }
    )
    if neo4j_server.database:
        env["NEO4J_DATABASE"] = neo4j_server.database
    yield env


@contextmanager
def serving(env: dict[str, str], tmp_path: Path, *args: str) -> Iterator[Served]:
    """`serve --demo` with `args` until the block ends (then killed if still running); its first
    admin key is read from what it printed."""
    port = free_port()
    output = tmp_path / "serve.out"
    command = [sys.executable, "-m", "service", "serve", "--demo", "--port", str(port), *args]
    with output.open("wb") as sink:
        # Its own process group, so the kill below reaches uvicorn's worker processes too (killed
        # alone, the parent leaves them running, orphaned, on their port and their Neo4j).
        process = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert process.poll() is None, output.read_text()
            assert time.monotonic() < deadline, f"not ready in 180 s:\n{output.read_text()}"
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        found = KEY.search(output.read_text())
        assert found is not None, output.read_text()
        yield Served(process, url, found.group(1), output)
    finally:
        with contextlib.suppress(ProcessLookupError):  # the group is gone when all of it exited
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def parent_of(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_write_through_one_worker_is_read_through_the_other_at_once(
    neo4j_env: dict[str, str], tmp_path: Path
) -> None:
    with serving(neo4j_env, tmp_path, "--workers", "2") as served:
        # What runs once ran once: one demo graph, one first admin key, one banner.
        assert served.output.read_text().count("Created the first admin API key") == 1
        count = "{ assets(first: 1) { totalCount } }"
        before = served.post(count)[0]["assets"]["totalCount"]
        written_by: set[int] = set()
        read_by: set[int] = set()
        crossed = 0  # reads answered by another worker than the write just before
        n = 0
        while n < ROUNDS or ((len(written_by | read_by) < 2 or crossed == 0) and n < MAX_ROUNDS):
            n += 1
            data, writer = served.post(
                f'mutation {{ upsertAssets(assets: [{{id: "w-{n}", kind: DATASET, name: "W {n}"}}]) {{ id }} }}'
            )
            assert data == {"upsertAssets": [{"id": f"w-{n}"}]}
            # The same query text each time: a stale remembered answer (or read memo) would show.
            data, reader = served.post(count)
            assert data["assets"]["totalCount"] == before + n, f"round {n}: worker {reader} after {writer}"
            data, other = served.post(f'{{ asset(id: "w-{n}") {{ id name }} }}')
            assert data == {"asset": {"id": f"w-{n}", "name": f"W {n}"}}
            written_by.add(writer)
            read_by |= {reader, other}
            crossed += (reader != writer) + (other != writer)
        workers = written_by | read_by
        assert len(workers) == 2, f"only {workers} answered in {n} rounds"
        assert crossed > 0
        # Two worker processes of this server, not the server itself.
        assert {parent_of(pid) for pid in workers} == {served.process.pid}
        # A scrape through either worker counts the requests of both (prometheus-client's
        # multiprocess mode), and the store calls are labelled with the backend that answered them.
        scraped: dict[int, str] = {}
        for _ in range(MAX_ROUNDS):
            response = httpx.get(
                f"{served.url}/metrics", headers={"Authorization": f"Bearer {served.key}", "Connection": "close"}
            )
            scraped[int(response.headers["x-attestgraph-worker"])] = response.text
            if len(scraped) == 2:
                break
        assert set(scraped) == workers
        for text in scraped.values():
            series = {
                (s.name, frozenset(s.labels.items())): s.value
                for family in text_string_to_metric_families(text)
                for s in family.samples
            }
            ok = frozenset({("route", "/graphql"), ("method", "POST"), ("status", "200"), ("role", "admin")})
            assert series[("attestgraph_http_requests_total", ok)] >= 3 * n  # every round's three posts
            neo4j_calls = [
                v
                for (name, labels), v in series.items()
                if name.startswith("attestgraph_store_call_duration")
                and ("store", "neo4j") in labels
                and name.endswith("_count")
            ]
            assert neo4j_calls and sum(neo4j_calls) > 0
            assert not [labels for (name, labels) in series if ("store", "embedded") in labels]
    # Killed with their server when the block ends, not left orphaned on their port and database.
    deadline = time.monotonic() + 30
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in workers)
    store = Neo4jStore(neo4j_env["NEO4J_URI"], neo4j_env["NEO4J_USER"], neo4j_env["NEO4J_PASSWORD"])
    try:
        assert len(store.access.list_keys()) == 1
        assert store.count_nodes(Label.FRAMEWORK) > 0
    finally:
        store.close()


def test_sigterm_stops_every_worker_and_the_server_exits_cleanly(neo4j_env: dict[str, str], tmp_path: Path) -> None:
    with serving(neo4j_env, tmp_path, "--workers", "2") as served:
        workers: set[int] = set()
        for _ in range(MAX_ROUNDS):
            workers.add(served.post("{ __typename }")[1])
            if len(workers) == 2:
                break
        assert len(workers) == 2
        served.process.send_signal(signal.SIGTERM)
        assert served.process.wait(timeout=60) == 0, served.output.read_text()
        deadline = time.monotonic() + 30
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(alive(pid) for pid in workers)
        log = served.output.read_text()
        assert log.count("Finished server process") == 2, log


def test_several_workers_on_the_embedded_store_are_refused_naming_the_option(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTESTGRAPH_")}
    command = [sys.executable, "-m", "service", "serve", "--data-dir", str(tmp_path), "--port", str(free_port())]
    done = subprocess.run([*command, "--workers", "2"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "--workers" in done.stderr and "embedded store is served by one process" in done.stderr
    assert not (tmp_path / "attestgraph.sqlite3").exists()  # refused before anything was opened
    # The same from the environment names the variable; 0 is no number of workers at all.
    done = subprocess.run(command, env={**env, "ATTESTGRAPH_WORKERS": "3"}, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "ATTESTGRAPH_WORKERS" in done.stderr
    done = subprocess.run(command, env={**env, "ATTESTGRAPH_WORKERS": "0"}, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "ATTESTGRAPH_WORKERS" in done.stderr and "greater than or equal to 1" in done.stderr


class ReadBeforeTheOtherCommitted:
    """The real access store, but its first `get_key` answers as if read just before another
    starting worker committed the same key (the interleaving of a race, made certain)."""

    def __init__(self, access: Any) -> None:
        self.access = access
        self.first = True

    def get_key(self, key_id: str) -> Any:
        if self.first:
            self.first = False
            return None
        return self.access.get_key(key_id)

    def put_key(self, record: Any) -> None:
        self.access.put_key(record)


@dataclass
class Racing:
    access: ReadBeforeTheOtherCommitted


def test_workers_starting_together_store_the_bootstrap_key_once(store: GraphStore) -> None:
    key = new_key(Role.ADMIN, "ops")[1]
    assert bootstrap_admin_key(store, key) is not None  # the worker that won
    late = Racing(ReadBeforeTheOtherCommitted(store.access))
    assert bootstrap_admin_key(late, key) is None  # type: ignore[arg-type]  # found it after all
    assert [k.id for k in store.access.list_keys()] == [parse_key(key)[0]]  # type: ignore[index]
    # A different key under a taken id is still refused.
    other = key[:-1] + ("A" if key[-1] != "A" else "B")
    with pytest.raises(ValueError, match="taken by another key"):
        bootstrap_admin_key(Racing(ReadBeforeTheOtherCommitted(store.access)), other)  # type: ignore[arg-type]


def test_answers_name_their_worker_only_when_the_setting_is_on() -> None:
    store = EmbeddedStore()
    try:
        with in_process(store) as off:
            assert "x-attestgraph-worker" not in off.client.get(f"{off.url}/healthz").headers
        with in_process(store, Settings(rate_limit=0, worker_header=True)) as on:
            assert on.client.get(f"{on.url}/healthz").headers["x-attestgraph-worker"] == str(os.getpid())
            refused = httpx.post(f"{on.url}/graphql", json={"query": "{ __typename }"})  # no credential
            assert refused.status_code == 401 and refused.headers["x-attestgraph-worker"] == str(os.getpid())
    finally:
        store.close()
