"""The import route has a body limit of its own (`max_import_bytes`): a scan larger than an API
call's limit (`max_body_bytes`) is accepted there and only there, and a body over the import
limit is refused with 413 whether it declares its length or streams in chunks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from graph.errors import InvalidInputError
from graph.stores.embedded import EmbeddedStore
from service.settings import Settings
from tests.service.conftest import LiveServer, serving
from tests.service.nessus_lab import FIRST_SCAN, LAB

SETTINGS = Settings(rate_limit=0, max_body_bytes=4_096, max_import_bytes=64 * 1024)


@pytest.fixture
def small_limits() -> Iterator[LiveServer]:
    # The limit sits in front of the store: one backend is enough.
    store = EmbeddedStore()
    store.write(LAB)
    with serving(store, SETTINGS) as live:
        yield live
    store.close()


def test_a_scan_over_the_api_body_limit_is_imported_but_only_on_the_import_route(small_limits: LiveServer) -> None:
    scan = FIRST_SCAN.read_bytes()
    assert SETTINGS.max_body_bytes < len(scan) < SETTINGS.max_import_bytes
    url = f"{small_limits.url}/api/imports/nessus"
    imported = small_limits.client.post(url, params={"control": "CTL-VULN"}, content=scan)
    assert imported.status_code == 200, imported.text
    query = b'{"query": "{ me { actor } }", "pad": "' + b"x" * len(scan) + b'"}'
    graphql = small_limits.client.post(
        f"{small_limits.url}/graphql", content=query, headers={"Content-Type": "application/json"}
    )
    assert graphql.status_code == 413 and "4096 bytes" in graphql.text


def test_a_body_over_the_import_limit_is_refused(small_limits: LiveServer) -> None:
    url = f"{small_limits.url}/api/imports/nessus?control=CTL-VULN"
    before = small_limits.store.export()
    too_big = FIRST_SCAN.read_bytes() * 7
    declared = small_limits.client.post(url, content=too_big)
    assert declared.status_code == 413 and f"{64 * 1024} bytes" in declared.text
    chunks = [too_big[i : i + 8192] for i in range(0, len(too_big), 8192)]
    streamed = small_limits.client.post(url, content=iter(chunks))  # no Content-Length: counted as it comes
    assert streamed.status_code == 413
    assert small_limits.store.export() == before


def test_the_import_limit_is_at_most_what_the_importers_accept() -> None:
    with pytest.raises(InvalidInputError, match="ATTESTGRAPH_MAX_IMPORT_BYTES: Input should be less than or equal"):
        Settings.from_env(max_import_bytes=10**9)
