"""Fast on a slow link, over real HTTP: answers compressed, the dashboard's hashed files cached for a
year, index.html revalidated, and the security headers on all of them. Also the GraphiQL page
served from the dashboard's own build (no CDN)."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from graph.stores.embedded import EmbeddedStore
from service.settings import Settings
from tests.service.conftest import LiveServer, serving

ASSET = "/assets/index-B3x9_kQz.js"
CODE = ("export const rows = [" + ",".join(f'"row {i}"' for i in range(800)) + "];\n").encode()
INDEX = b'<!doctype html><html><script type="module" src="./assets/index-B3x9_kQz.js"></script></html>'
IDE = b'<!doctype html><html><script type="module" src="./assets/graphiql-Dq81xLmP.js"></script>API key</html>'


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built dashboard as Vite lays it out: index.html, the IDE page, hashed files under assets/."""
    root = tmp_path_factory.mktemp("dist")
    (root / "assets").mkdir()
    (root / "index.html").write_bytes(INDEX)
    (root / "graphiql.html").write_bytes(IDE)
    (root / ASSET.lstrip("/")).write_bytes(CODE)
    (root / "assets" / "notes.txt").write_bytes(b"not named after its content")
    return root


@pytest.fixture(scope="module")
def site(dashboard: Path) -> Iterator[LiveServer]:
    store = EmbeddedStore()
    with serving(store, Settings(rate_limit=0, frontend_dir=dashboard)) as server:
        yield server
    store.close()


@dataclass
class Sent:
    status_code: int
    headers: httpx.Headers
    content: bytes  # as it came over the wire (httpx would decode gzip by itself)


def raw_get(url: str, **headers: str) -> Sent:
    with httpx.Client(timeout=30) as client, client.stream("GET", url, headers=headers) as response:
        return Sent(response.status_code, response.headers, b"".join(response.iter_raw()))


def assert_security_headers(response: Sent | httpx.Response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_a_hashed_asset_is_gzipped_and_cached_for_a_year(site: LiveServer) -> None:
    response = raw_get(f"{site.url}{ASSET}", **{"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in response.headers["vary"].lower()
    assert gzip.decompress(response.content) == CODE
    assert len(response.content) < len(CODE) / 4
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert_security_headers(response)


def test_a_client_that_takes_no_gzip_gets_the_file_as_is(site: LiveServer) -> None:
    response = raw_get(f"{site.url}{ASSET}", **{"Accept-Encoding": "identity"})
    assert "content-encoding" not in response.headers
    assert response.content == CODE


def test_index_html_is_revalidated_on_every_load(site: LiveServer) -> None:
    for path in ("/", "/index.html"):
        response = raw_get(f"{site.url}{path}", **{"Accept-Encoding": "gzip"})
        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-cache"
        assert_security_headers(response)
        again = raw_get(f"{site.url}{path}", **{"If-None-Match": response.headers["etag"]})
        assert again.status_code == 304 and again.headers["cache-control"] == "no-cache"


def test_only_files_named_after_their_content_are_kept_long(site: LiveServer) -> None:
    assert raw_get(f"{site.url}/assets/notes.txt").headers["cache-control"] == "no-cache"
    missing = raw_get(f"{site.url}/assets/gone-AAAAAAAA.js")
    assert missing.status_code == 404 and missing.headers["cache-control"] == "no-cache"


def test_a_large_graphql_answer_is_gzipped_and_never_cached(site: LiveServer) -> None:
    body = {"query": "{ __schema { types { name fields { name } } } }"}
    response = site.client.post(f"{site.url}/graphql", json=body, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert int(response.headers["content-length"]) < len(response.content) / 3  # sent vs decoded
    assert response.json()["data"]["__schema"]["types"]
    assert response.headers["cache-control"] == "no-store"
    assert_security_headers(response)


def test_a_small_answer_is_sent_as_is(site: LiveServer) -> None:
    response = site.client.post(f"{site.url}/graphql", json={"query": "{ __typename }"})
    assert response.status_code == 200 and "content-encoding" not in response.headers


def test_graphiql_is_the_dashboards_own_build_served_at_graphql_only(site: LiveServer) -> None:
    page = raw_get(f"{site.url}/graphql", Accept="text/html")
    assert page.status_code == 200 and page.content == IDE
    policy = page.headers["content-security-policy"]  # its code may come from this service only
    assert "script-src 'self';" in policy and "connect-src 'self';" in policy
    assert raw_get(f"{site.url}/graphiql.html", Accept="text/html").status_code == 404


def test_without_a_built_dashboard_graphiql_says_how_to_build_it_and_loads_nothing() -> None:
    store = EmbeddedStore()
    with serving(store, Settings(rate_limit=0, frontend_dir=None)) as server:
        page = httpx.get(f"{server.url}/graphql", headers={"Accept": "text/html"})
    store.close()
    assert page.status_code == 200
    assert "npm run build" in page.text and "Authorization: Bearer" in page.text
    assert "<script" not in page.text and "<link" not in page.text
