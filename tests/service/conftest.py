"""A real uvicorn server on loopback around the real app, for API tests over real HTTP."""

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

from graph.store import GraphStore
from service.app import create_app
from service.settings import Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class LiveServer:
    url: str
    client: httpx.Client

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


@contextmanager
def serving(store: Any) -> Iterator[LiveServer]:
    """Serve `store` through the real app on a real loopback socket for the duration."""
    port = free_port()
    config = uvicorn.Config(create_app(Settings(), store=store), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start within 10 s")
        time.sleep(0.02)
    with httpx.Client(timeout=30) as client:
        yield LiveServer(url=f"http://127.0.0.1:{port}", client=client)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def live(store: GraphStore) -> Iterator[LiveServer]:
    """The app on a real socket, serving the parametrized `store`."""
    with serving(store) as server:
        yield server
