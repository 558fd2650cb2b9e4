"""GraphQL and HTTP hardening over real HTTP: limits, CORS, headers, production switches."""

from __future__ import annotations

from collections.abc import Iterator

import httpx

from graph.access.keys import Role
from graph.stores.embedded import EmbeddedStore
from service.settings import Settings
from tests.service.conftest import LiveServer, serving


def serve_with(settings: Settings) -> serving:  # type: ignore[valid-type]
    return serving(EmbeddedStore(), settings)


def test_an_oversized_body_is_refused_before_it_is_read(served: LiveServer) -> None:
    big = {"query": "{ me { actor } }", "variables": {"pad": "x" * 1_100_000}}
    response = served.client.post(f"{served.url}/graphql", json=big)
    assert response.status_code == 413 and response.json()["code"] == "PAYLOAD_TOO_LARGE"

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"query": "{ me { actor } }", "variables": {"pad": "'
        for _ in range(20):
            yield b"x" * 100_000
        yield b'"}}'

    response = served.client.post(
        f"{served.url}/graphql", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413


def test_each_key_has_its_own_rate_limit_answering_429() -> None:
    with serve_with(Settings(rate_limit=1, rate_burst=3)) as live:
        statuses = [live.client.post(f"{live.url}/graphql", json={"query": "{ me { actor } }"}) for _ in range(6)]
        assert [r.status_code for r in statuses[:3]] == [200, 200, 200]
        limited = statuses[-1]
        assert limited.status_code == 429 and limited.json()["code"] == "RATE_LIMITED"
        assert int(limited.headers["retry-after"]) >= 1
        other = live.as_role(Role.VIEWER)
        assert other.client.post(f"{live.url}/graphql", json={"query": "{ me { actor } }"}).status_code == 200


def test_cors_is_closed_by_default(served: LiveServer) -> None:
    preflight = httpx.options(
        f"{served.url}/graphql",
        headers={"Origin": "https://evil.example.test", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers
    response = served.client.post(
        f"{served.url}/graphql", json={"query": "{ me { actor } }"}, headers={"Origin": "https://evil.example.test"}
    )
    assert "access-control-allow-origin" not in response.headers


def test_cors_opens_to_the_configured_origins_only() -> None:
    with serve_with(Settings(rate_limit=0, cors_origins=("https://dash.example.test",))) as live:
        ok = httpx.options(
            f"{live.url}/graphql",
            headers={
                "Origin": "https://dash.example.test",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization,content-type",
            },
        )
        assert ok.headers["access-control-allow-origin"] == "https://dash.example.test"
        other = httpx.options(
            f"{live.url}/graphql",
            headers={"Origin": "https://evil.example.test", "Access-Control-Request-Method": "POST"},
        )
        assert other.headers.get("access-control-allow-origin") != "https://evil.example.test"


def test_every_answer_carries_the_security_headers(served: LiveServer) -> None:
    for response in [
        served.client.post(f"{served.url}/graphql", json={"query": "{ me { actor } }"}),
        httpx.get(f"{served.url}/healthz"),
        httpx.post(f"{served.url}/graphql", json={"query": "{ me { actor } }"}),  # a 401 too
    ]:
        headers = response.headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["cache-control"] == "no-store"


def test_production_turns_introspection_and_graphiql_off() -> None:
    introspection = "{ __schema { queryType { name } } }"
    with serve_with(Settings(rate_limit=0)) as dev:
        assert dev.data(introspection)["__schema"]["queryType"]["name"] == "Query"
        page = httpx.get(f"{dev.url}/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "graphiql" in page.text.lower()
    with serve_with(Settings(rate_limit=0, environment="production")) as prod:
        error = prod.error(introspection)
        assert "introspection" in error["message"].lower()
        assert httpx.get(f"{prod.url}/graphql", headers={"Accept": "text/html"}).status_code == 401
        page = prod.client.get(f"{prod.url}/graphql", headers={"Accept": "text/html"})
        assert "graphiql" not in page.text.lower()


def test_expensive_documents_are_refused_by_cost_before_running(served: LiveServer) -> None:
    at = "2026-06-02T00:00:00Z"
    many = " ".join(f'i{i}: impact(change: {{asset: "m", at: "{at}"}}) {{ recorded }}' for i in range(26))
    error = served.error("{ " + many + " }")
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    wide = "{ assets(first: 500) { edges { node { controls { criteria { controls { assets { totalCount } } } } } } } }"
    assert served.error(wide)["extensions"]["code"] == "QUERY_TOO_COSTLY"
    paged = "query($n: Int) { assets(first: $n) { edges { node { controls { criteria { id } } } } } }"
    assert served.graphql(paged, {"n": 10}).get("errors") is None
    assert served.error(paged, {"n": 500})["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert served.data('{ coverage(framework: "fw") { totals { total } } }')


def test_aliases_tokens_and_page_size_are_bounded(served: LiveServer) -> None:
    aliases = " ".join(f"a{i}: me {{ actor }}" for i in range(40))
    assert "aliases" in served.error("{ " + aliases + " }")["message"].lower()
    assert "token" in served.error("{ " + "me { actor } " * 2000 + "}")["message"].lower()
    assert served.error("{ assets(first: 501) { totalCount } }")["extensions"]["code"] == "BAD_USER_INPUT"


def test_errors_never_carry_a_trace_or_a_query(served: LiveServer) -> None:
    for document in ['{ coverage(framework: "nope") { totals { total } } }', "{ nosuch }", "{", "{ asset(id: 5 }"]:
        body = served.client.post(f"{served.url}/graphql", json={"query": document}).text
        assert "Traceback" not in body and "MATCH" not in body and 'File "' not in body
    response = served.client.post(
        f"{served.url}/graphql", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code < 500 and "Traceback" not in response.text
