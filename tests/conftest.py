"""Shared fixtures. `store` is parametrized over every backend: each store test runs on each."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from graph.store import GraphStore
from graph.stores.embedded import EmbeddedStore

BACKENDS = ["embedded"]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """An empty store of each backend."""
    if request.param == "embedded":
        embedded = EmbeddedStore()
        yield embedded
        embedded.close()
    else:  # pragma: no cover - other backends register themselves above
        raise AssertionError(f"unknown backend {request.param}")
