"""An acknowledged write survives SIGKILL of the server (embedded store: SQLite WAL, synchronous=FULL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from graph.access.keys import Role, new_key
from tests.service.conftest import free_port

# The operator-supplied admin key the server stores (hashed) at start, so the test can call it.
ADMIN_KEY = new_key(Role.ADMIN, "durability test")[1]
AUTH = {"Authorization": f"Bearer {ADMIN_KEY}"}


@contextmanager
def server(data_dir: Path, env: dict[str, str] | None = None) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    # The log goes to a file, never a pipe nobody reads: a full pipe would block the server on
    # its next log line (the Neo4j driver logs every retry during an outage).
    data_dir.mkdir(parents=True, exist_ok=True)
    log = data_dir / f"service-{port}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "service", "serve", "--data-dir", str(data_dir), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
        env={
            **os.environ,
            "ATTESTGRAPH_STORE": "embedded",
            "ATTESTGRAPH_BOOTSTRAP_ADMIN_KEY": ADMIN_KEY,
            "ATTESTGRAPH_RATE_LIMIT": "0",
            **(env or {}),
        },
    )
    url = f"http://127.0.0.1:{port}"
    # A bound on the wait, not a speed asked of it: on a machine busy with parallel workers a
    # start (Python imports, a Neo4j connection) took over 30 s.
    deadline = time.monotonic() + 180
    while True:
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"server did not become ready: {log.read_text(errors='replace')[-4000:]}")
        time.sleep(0.1)
    try:
        yield process, url
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def test_acknowledged_write_survives_sigkill(tmp_path: Path) -> None:
    mutation = (
        'mutation { upsertAssets(assets: [{id: "survivor", kind: MODEL, name: "Survivor",'
        ' changedAt: "2026-06-01T00:00:00Z"}]) { id } }'
    )
    with server(tmp_path) as (process, url):
        response = httpx.post(f"{url}/graphql", json={"query": mutation}, headers=AUTH, timeout=10)
        assert response.json() == {"data": {"upsertAssets": [{"id": "survivor"}]}}
        os.kill(process.pid, signal.SIGKILL)  # no shutdown hook, no flush: only what was committed remains
        process.wait(timeout=10)
    with server(tmp_path) as (_, url):
        query = '{ asset(id: "survivor") { name changedAt } }'
        body = httpx.post(f"{url}/graphql", json={"query": query}, headers=AUTH).json()
    assert body == {"data": {"asset": {"name": "Survivor", "changedAt": "2026-06-01T00:00:00Z"}}}
