"""Findings through the API over real HTTP, on both stores (one served graph per store, shared by
the module's tests): `Query.findings` pages and filters as the query function does, `Asset.findings`
of a page of assets is one store call, `blastRadius.findingCounts` counts the open findings of the
radius in one more, bad arguments are named, and the MCP `findings` tool (the SDK's own client)
answers as GraphQL does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from graph.access.keys import Role
from graph.bundle import Bundle
from graph.model import FindingStatus
from graph.queries.findings import findings
from graph.stores.embedded import EmbeddedStore
from tests.conftest import BACKENDS, SCRATCH_LABEL
from tests.graphs import GraphBuilder, day
from tests.service.conftest import LiveServer, serving
from tests.service.counting_store import CountingStore
from tests.service.mcp_answers import call, refusal
from tests.stores.neo4j_launcher import Neo4jServer

FINDING_FIELDS = "id severity plugin name port protocol cves cvss3 firstSeen lastSeen status fixedAt asset { id }"
PAGE = "totalCount pageInfo { hasNextPage endCursor } edges { node { id } }"


def scan(fid: str, asset: str, severity: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": fid,
        "asset": asset,
        "severity": severity,
        "plugin": "182252",
        "name": f"Check {fid}",
        "port": 443,
        "protocol": "tcp",
        "cves": ["CVE-2024-3094"] if severity == "critical" else [],
        "cvss3": 10.0 if severity == "critical" else None,
        "first_seen": day(-20),
        "last_seen": day(-2),
        **fields,
    }


def estate() -> Bundle:
    """gpu <- model <- api (DEPENDS_ON), and a lone host; 12 findings on gpu (natural order: f2 < f10),
    a fixed one on the model, a critical one on the lone host (outside any radius of gpu)."""
    b = GraphBuilder().framework("fw").criterion("C1")
    b.asset("gpu", kind="infrastructure").asset("model").asset("api", kind="endpoint").asset(
        "lone", kind="infrastructure"
    )
    b.depends("model", "gpu", "hosted_on").depends("api", "model", "serves")
    b.control("vm", satisfies=["fw:C1"], applies_to=["gpu", "model", "api", "lone"])
    severities = ["critical", "high", "high", "medium", "low", "info"] * 2
    found = [scan(f"f{i}", "gpu", s) for i, s in enumerate(severities, start=1)]
    found.append(scan("m1", "model", "high", last_seen=day(-5), status="fixed", fixed_at=day(-3)))
    found.append(scan("l1", "lone", "critical"))
    return Bundle.model_validate({**b.bundle().model_dump(), "findings": found})


@pytest.fixture(scope="module", params=BACKENDS)
def api(request: pytest.FixtureRequest) -> Iterator[tuple[CountingStore, LiveServer]]:
    if request.param == "embedded":
        inner: Any = EmbeddedStore()
    else:
        from graph.stores.neo4j import Neo4jStore

        server: Neo4jServer = request.getfixturevalue("neo4j_server")
        inner = Neo4jStore(server.uri, server.user, server.password, server.database)
        inner.clear()
        if server.origin == "NEO4J_URI":
            inner.connection.driver.execute_query(f"MERGE (:{SCRATCH_LABEL})", database_=server.database)
    inner.write(estate())
    counting = CountingStore(inner)
    try:
        with serving(counting) as live:
            yield counting, live
    finally:
        inner.close()


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def node_ids(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in connection["edges"]]


def test_findings_page_by_cursor_and_filter_as_the_query_does(api: tuple[CountingStore, LiveServer]) -> None:
    store, live = api
    query = f"""query($asset: ID, $sev: [Severity!], $status: FindingStatus, $after: String) {{
      findings(asset: $asset, severity: $sev, status: $status, first: 5, after: $after) {{ {PAGE} }} }}"""
    walked: list[str] = []
    after = None
    while True:
        page = live.data(query, {"asset": "gpu", "after": after})["findings"]
        assert page["totalCount"] == 12
        walked += node_ids(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert walked == [f"f{i}" for i in range(1, 13)]  # natural order of id: f2 before f10
    assert walked == [f.id for f in findings(store, asset="gpu", first=500).findings]

    critical = live.data(query, {"sev": ["CRITICAL"], "status": "OPEN"})["findings"]
    assert (node_ids(critical), critical["totalCount"]) == (["f1", "f7", "l1"], 3)
    single = live.data("{ findings(severity: HIGH, status: FIXED) { totalCount edges { node { id } } } }")
    assert node_ids(single["findings"]) == ["m1"]  # a single severity is a list of one

    full = live.data(f'{{ findings(asset: "lone") {{ edges {{ node {{ {FINDING_FIELDS} }} }} }} }}')
    assert full["findings"]["edges"][0]["node"] == {
        "id": "l1",
        "severity": "CRITICAL",
        "plugin": "182252",
        "name": "Check l1",
        "port": 443,
        "protocol": "tcp",
        "cves": ["CVE-2024-3094"],
        "cvss3": 10.0,
        "firstSeen": iso(day(-20)),
        "lastSeen": iso(day(-2)),
        "status": "OPEN",
        "fixedAt": None,
        "asset": {"id": "lone"},
    }


def test_asset_findings_of_a_page_of_assets_is_one_store_call(api: tuple[CountingStore, LiveServer]) -> None:
    store, live = api
    before = store.calls["findings_by_asset"]
    data = live.data(
        """{ assets(first: 10) { edges { node { id
             open: findings(first: 2, status: OPEN) { totalCount pageInfo { hasNextPage } edges { node { id } } }
             all: findings(first: 2) { totalCount edges { node { id severity } } } } } } }"""
    )
    by_asset = {e["node"]["id"]: e["node"] for e in data["assets"]["edges"]}
    assert {a: (node_ids(n["open"]), n["open"]["totalCount"]) for a, n in by_asset.items()} == {
        "api": ([], 0),
        "gpu": (["f1", "f2"], 12),
        "lone": (["l1"], 1),
        "model": ([], 0),
    }
    assert by_asset["gpu"]["open"]["pageInfo"]["hasNextPage"] is True
    assert (node_ids(by_asset["model"]["all"]), by_asset["model"]["all"]["totalCount"]) == (["m1"], 1)
    # Four assets, two differently asked `findings` fields: one store call for each, not one per asset.
    assert store.calls["findings_by_asset"] - before == 2

    cursor = live.data('{ asset(id: "gpu") { findings(first: 10) { pageInfo { endCursor } } } }')
    end = cursor["asset"]["findings"]["pageInfo"]["endCursor"]
    rest = live.data(
        'query($a: String) { asset(id: "gpu") { findings(after: $a) { edges { node { id } } } } }', {"a": end}
    )
    assert node_ids(rest["asset"]["findings"]) == ["f11", "f12"]


def test_blast_radius_counts_the_open_findings_it_reaches(api: tuple[CountingStore, LiveServer]) -> None:
    store, live = api
    before = store.calls["open_finding_counts"]
    data = live.data('{ blastRadius(asset: "gpu") { assets { totalCount } findingCounts { severity count } } }')
    radius = data["blastRadius"]
    assert radius["assets"]["totalCount"] == 3  # gpu, model, api: not the lone host
    # The model's finding is fixed and the lone host's is outside: gpu's twelve, by severity.
    assert radius["findingCounts"] == [
        {"severity": "CRITICAL", "count": 2},
        {"severity": "HIGH", "count": 4},
        {"severity": "MEDIUM", "count": 2},
        {"severity": "LOW", "count": 2},
        {"severity": "INFO", "count": 2},
    ]
    assert store.calls["open_finding_counts"] - before == 1
    api_only = live.data('{ blastRadius(asset: "api") { findingCounts { severity count } } }')
    assert all(row["count"] == 0 for row in api_only["blastRadius"]["findingCounts"])


def test_bad_finding_arguments_are_named(api: tuple[CountingStore, LiveServer]) -> None:
    _store, live = api
    unknown = live.error('{ findings(asset: "nope") { totalCount } }')
    assert unknown["message"] == "asset: Asset 'nope' does not exist"
    assert unknown["extensions"]["code"] == "NOT_FOUND"
    too_many = live.error("{ findings(first: 501) { totalCount } }")
    assert "first: must be between 0 and 500" in too_many["message"]
    not_ours = live.error('{ findings(after: "bm90LWEtY3Vyc29y") { totalCount } }')
    assert "after: is not a cursor this API issued" in not_ours["message"]
    assert "SEVERE" in live.error("{ findings(severity: SEVERE) { totalCount } }")["message"]


def test_the_mcp_findings_tool_answers_as_graphql(api: tuple[CountingStore, LiveServer]) -> None:
    _store, live = api
    asked = '{ findings(asset: "gpu", severity: [CRITICAL, HIGH]) { totalCount edges { node { %s } } } }'
    graphql = live.data(asked % FINDING_FIELDS)
    viewer = live.as_role(Role.VIEWER)

    async def ask() -> None:
        http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {viewer.key}"}, timeout=60)
        async with Client(streamable_http_client(f"{live.url}/mcp", http_client=http), cache=None) as client:
            tools = {tool.name: tool for tool in (await client.list_tools()).tools}
            assert tools["findings"].annotations is not None and tools["findings"].annotations.read_only_hint
            first = await call(client, "findings", {"asset": "gpu", "severity": ["critical", "high"], "limit": 4})
            expected = [e["node"] for e in graphql["findings"]["edges"]]
            assert first["total"] == graphql["findings"]["totalCount"] == 6
            assert [r["id"] for r in first["rows"]] == [n["id"] for n in expected][:4]
            assert first["truncated"] is True and first["next_after"] == first["rows"][-1]["id"]
            row = first["rows"][0]
            assert (row["severity"], row["cves"], row["cve_count"], row["cvss3"]) == (
                "critical",
                ["CVE-2024-3094"],
                1,
                10.0,
            )
            assert row["first_seen"] == iso(day(-20)).replace("Z", "+00:00")
            rest = await call(
                client, "findings", {"asset": "gpu", "severity": ["critical", "high"], "after": first["next_after"]}
            )
            assert [r["id"] for r in rest["rows"]] == [n["id"] for n in expected][4:]
            assert rest["truncated"] is False and rest["next_after"] is None
            assert "asset: Asset 'nope' does not exist" in await refusal(client, "findings", {"asset": "nope"})
            assert "severity" in await refusal(client, "findings", {"severity": ["severe"]})
            assert "limit" in await refusal(client, "findings", {"limit": 101})

    asyncio.run(ask())


def test_fixed_findings_stay_readable_with_their_fix(api: tuple[CountingStore, LiveServer]) -> None:
    store, live = api
    fixed = live.data("{ findings(status: FIXED) { edges { node { id status fixedAt lastSeen } } } }")
    assert [e["node"] for e in fixed["findings"]["edges"]] == [
        {"id": "m1", "status": "FIXED", "fixedAt": iso(day(-3)), "lastSeen": iso(day(-5))}
    ]
    assert findings(store, status=FindingStatus.FIXED).total == 1


def test_deleting_an_asset_with_findings_is_a_conflict_that_changes_nothing(
    api: tuple[CountingStore, LiveServer],
) -> None:
    store, live = api
    before = store.export()
    refused = live.error('mutation { deleteAsset(id: "lone") { id } }')
    assert refused["extensions"]["code"] == "CONFLICT"
    assert refused["message"] == "asset: 'lone' is affected by findings l1; findings are kept, so the asset is too"
    assert store.export() == before
