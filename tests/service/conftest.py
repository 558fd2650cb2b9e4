"""A real uvicorn server on loopback around the real app, for API tests over real HTTP.

`live` calls as an admin (a real key, stored hashed in the served store); `live.as_role(role)`
gives a twin that calls with a fresh key of that role, and `live.with_key(None)` one with none.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn

from graph.access.keys import Role, new_key
from graph.store import GraphStore
from graph.stores.embedded import EmbeddedStore
from service.app import create_app
from service.settings import Settings
from tests.graphs import GraphBuilder, day


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class LiveServer:
    url: str
    client: httpx.Client
    store: Any = None
    key: str | None = None

    def with_key(self, key: str | None) -> LiveServer:
        """The same server, called with `key` (None: no credential at all)."""
        headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
        client = httpx.Client(timeout=30, headers=headers)
        return LiveServer(url=self.url, client=client, store=self.store, key=key)

    def as_role(self, role: Role, name: str | None = None) -> LiveServer:
        """The same server, called with a new key of `role`."""
        record, key = new_key(role, name or f"test {role.value}")
        self.store.access.put_key(record)
        return self.with_key(key)

    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.client.post(f"{self.url}/graphql", json={"query": query, "variables": variables or {}})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The `data` of a query that must succeed."""
        body = self.graphql(query, variables)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    def error(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The first error of a query that must fail."""
        body = self.graphql(query, variables)
        assert body.get("errors"), f"expected an error, got {body}"
        error: dict[str, Any] = body["errors"][0]
        return error


# The tests' own requests come fast; the limit itself is tested with settings of its own.
TEST_SETTINGS = Settings(rate_limit=0)


@contextmanager
def serving(store: Any, settings: Settings | None = None) -> Iterator[LiveServer]:
    """Serve `store` through the real app on a real loopback socket for the duration, with an
    admin key stored in it for the client."""
    record, key = new_key(Role.ADMIN, "test admin")
    store.access.put_key(record)
    port = free_port()
    app = create_app(settings or TEST_SETTINGS, store=store)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start within 10 s")
        time.sleep(0.02)
    with httpx.Client(timeout=30, headers={"Authorization": f"Bearer {key}"}) as client:
        yield LiveServer(url=f"http://127.0.0.1:{port}", client=client, store=store, key=key)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def live(store: GraphStore) -> Iterator[LiveServer]:
    """The app on a real socket, serving the parametrized `store`."""
    with serving(store) as server:
        yield server


@pytest.fixture
def served() -> Iterator[LiveServer]:
    """The app serving one small graph on the embedded store: for the limits and refusals that sit
    in front of the store, which one backend is enough to exercise (a module may define its own)."""
    store = EmbeddedStore()
    b = GraphBuilder().framework("fw").criterion("C1").asset("m")
    store.write(b.control("k", satisfies=["fw:C1"], applies_to=["m"]).evidence("k", day(0)).bundle())
    with serving(store) as server:
        yield server
    store.close()
