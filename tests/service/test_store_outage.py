"""With Neo4j down, requests fail fast with STORE_UNAVAILABLE instead of hanging past clients'
timeouts, and work again, without a restart of the service, once Neo4j is back (issue 11,
item 13). A private Neo4j of tools/neo4j is stopped and started; the session's shared one is
never touched."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from graph.access.keys import Role
from graph.stores.neo4j import Neo4jStore
from service.settings import Settings
from tests.graphs import GraphBuilder
from tests.service.conftest import LiveServer, serving
from tests.stores.neo4j_launcher import LocalNeo4j, ServerUnavailable, private_server

pytestmark = pytest.mark.neo4j

READ = '{ asset(id: "a") { id name } }'
WRITE = 'mutation { upsertAssets(assets: [{id: "b", kind: MODEL, name: "B"}]) { id } }'


@pytest.fixture
def private_neo4j(tmp_path: Path) -> Iterator[LocalNeo4j]:
    with private_server(tmp_path / "neo4j") as local:
        yield local


def start(local: LocalNeo4j) -> None:
    try:
        local.start()
    except ServerUnavailable as error:
        pytest.fail(f"Neo4j did not start again: {error}", pytrace=False)


def unavailable(live: LiveServer, query: str) -> None:
    """The request answers (live.client waits 30 s at most: a hanging request fails the test),
    with STORE_UNAVAILABLE and without the database's address."""
    response = live.client.post(f"{live.url}/graphql", json={"query": query})
    if response.status_code == 503:  # the gate could not check the key
        code, message = response.json()["code"], response.json()["message"]
    else:
        assert response.status_code == 200, response.text
        error = response.json()["errors"][0]
        code, message = error["extensions"]["code"], error["message"]
    assert code == "STORE_UNAVAILABLE", response.text
    assert "127.0.0.1" not in message and "Traceback" not in response.text


def test_requests_fail_fast_while_neo4j_is_down_and_recover_when_it_returns(private_neo4j: LocalNeo4j) -> None:
    server = private_neo4j.server
    # Configured as `attestgraph serve` opens it (Settings.open_store): no driver options of the test's own.
    store = Neo4jStore(server.uri, server.user, server.password)
    try:
        store.write(GraphBuilder().asset("a").bundle())
        # The admin's key stays cached: its requests reach the resolvers and the store. The
        # viewer's key is never used before the outage: the gate itself must look it up.
        with serving(store, Settings(rate_limit=0, key_cache_seconds=3600)) as live:
            assert live.data(READ)["asset"]["id"] == "a"
            viewer = live.as_role(Role.VIEWER)

            private_neo4j.stop()
            assert not private_neo4j.listening()
            unavailable(live, READ)
            unavailable(live, WRITE)
            gate = viewer.client.post(f"{live.url}/graphql", json={"query": READ})
            assert gate.status_code == 503 and gate.json()["code"] == "STORE_UNAVAILABLE", gate.text
            ready = httpx.get(f"{live.url}/readyz", timeout=30)
            assert ready.status_code == 503 and ready.json()["status"] == "unavailable"

            start(private_neo4j)
            assert live.data(READ)["asset"]["id"] == "a"  # the same process, the same driver
            assert live.data(WRITE)["upsertAssets"] == [{"id": "b"}]
            assert httpx.get(f"{live.url}/readyz", timeout=30).status_code == 200
            assert viewer.data(READ)["asset"]["id"] == "a"
    finally:
        store.close()
