"""The MCP server over streamable HTTP through the real app on loopback, on both stores, with the
SDK's own client: a reading role gets the tools and resources, whose answers are GraphQL's for the
same questions; no key is 401 and a role that may not read is 403, as for the API."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from graph.access.keys import Role
from graph.model import now_utc
from graph.seeds import DEMO_REFERENCE, SEEDS_DIR, load_seed_bundle, rebase_dates
from graph.store import GraphStore
from tests.service.conftest import LiveServer
from tests.service.mcp_answers import (
    ASSET,
    GRAPHQL,
    ISO42001,
    SOC2,
    assert_listed_and_refusing,
    assert_tools_agree_with_graphql,
)

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
}
MCP_HEADERS = {"Accept": "application/json, text/event-stream"}


def mcp_client(url: str, key: str) -> Client:
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {key}"}, timeout=60)
    return Client(streamable_http_client(f"{url}/mcp", http_client=http), cache=None)


def test_tools_over_http_answer_as_graphql_does(store: GraphStore, live: LiveServer) -> None:
    store.write(rebase_dates(load_seed_bundle(SEEDS_DIR), DEMO_REFERENCE, now_utc()))
    at = now_utc().replace(microsecond=0)
    variables = {
        "fw": SOC2,
        "t": at.isoformat(),
        "start": (at - timedelta(days=90)).isoformat(),
        "asset": ASSET,
        "target": ISO42001,
    }
    graphql: dict[str, Any] = {}
    for query in GRAPHQL.values():
        used = {name: value for name, value in variables.items() if f"${name}" in query}
        graphql |= live.data(query, used)
    changes = store.count_changes(ASSET)
    viewer = live.as_role(Role.VIEWER)
    assert viewer.key is not None

    async def ask() -> None:
        async with mcp_client(live.url, viewer.key or "") as client:
            await assert_listed_and_refusing(client)
            await assert_tools_agree_with_graphql(client, graphql, variables["t"], variables["start"])

    asyncio.run(ask())
    # What-if only: the impact tool recorded no change.
    assert store.count_changes(ASSET) == changes


def test_no_key_and_a_role_that_may_not_read_are_refused(served: LiveServer) -> None:
    anonymous = httpx.post(f"{served.url}/mcp", json=INITIALIZE, headers=MCP_HEADERS, timeout=30)
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "UNAUTHENTICATED"

    collector = served.as_role(Role.EVIDENCE_COLLECTOR)
    refused = collector.client.post(f"{served.url}/mcp", json=INITIALIZE, headers=MCP_HEADERS)
    assert refused.status_code == 403
    assert refused.json() == {"code": "FORBIDDEN", "message": "POST /mcp: your role may not do this"}
    denials = [e for e in served.store.access.audit_entries(first=1000) if e.operation == "POST /mcp"]
    assert denials and denials[-1].outcome == "denied: FORBIDDEN"

    auditor = served.as_role(Role.AUDITOR)
    allowed = auditor.client.post(f"{served.url}/mcp", json=INITIALIZE, headers=MCP_HEADERS)
    assert allowed.status_code == 200, allowed.text
    assert allowed.json()["result"]["serverInfo"]["name"] == "attestgraph"
