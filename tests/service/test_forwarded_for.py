"""X-Forwarded-For is believed only from the proxies ATTESTGRAPH_FORWARDED_ALLOW_IPS lists (none by
default), so a caller cannot choose the address the per-address rate limit counts against or the
audit log records (issue 11, item 12). Each test runs `attestgraph serve` itself, as deployed."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.service.test_durability import AUTH, server

LIMITED = {"ATTESTGRAPH_RATE_LIMIT": "0.01", "ATTESTGRAPH_RATE_BURST": "2"}


def wrong_key(url: str, forwarded_for: str) -> int:
    headers = {"Authorization": "Bearer not-a-key", "X-Forwarded-For": forwarded_for}
    return httpx.post(f"{url}/graphql", json={"query": "{ me { actor } }"}, headers=headers, timeout=10).status_code


def refused_actors(url: str) -> list[str]:
    query = "{ auditLog(first: 50) { edges { node { actor outcome } } } }"
    body = httpx.post(f"{url}/graphql", json={"query": query}, headers=AUTH, timeout=10).json()
    nodes = [edge["node"] for edge in body["data"]["auditLog"]["edges"]]
    return [node["actor"] for node in nodes if node["outcome"] == "denied: UNAUTHENTICATED"]


def test_a_forged_x_forwarded_for_changes_neither_the_rate_limit_nor_the_audit_actor(tmp_path: Path) -> None:
    # uvicorn's own variable must not reopen what the setting closes.
    with server(tmp_path, {**LIMITED, "FORWARDED_ALLOW_IPS": "*"}) as (_, url):
        statuses = [wrong_key(url, f"203.0.113.{i}") for i in range(1, 4)]
        assert statuses == [401, 401, 429]  # one bucket: the connection's own address
        assert refused_actors(url) == ["unauthenticated:127.0.0.1"] * 2


def test_a_configured_trusted_proxy_is_believed(tmp_path: Path) -> None:
    with server(tmp_path, {**LIMITED, "ATTESTGRAPH_FORWARDED_ALLOW_IPS": "127.0.0.1"}) as (_, url):
        assert [wrong_key(url, f"203.0.113.{i}") for i in range(1, 4)] == [401, 401, 401]  # three clients
        assert [wrong_key(url, "198.51.100.7") for _ in range(3)] == [401, 401, 429]  # one client, limited
        actors = refused_actors(url)
        assert sorted(set(actors)) == [
            "unauthenticated:198.51.100.7",
            "unauthenticated:203.0.113.1",
            "unauthenticated:203.0.113.2",
            "unauthenticated:203.0.113.3",
        ]
