"""What the catalog tests share: the merged seeds, a store holding them, the reference lists."""

from __future__ import annotations

import csv
from collections.abc import Iterator

import pytest

from graph.bundle import Bundle
from graph.demo import load_demo
from graph.seeds import DEMO_REFERENCE, SEEDS_DIR, load_seed_bundle
from graph.stores.embedded import EmbeddedStore

# shared/ lies beside the repository (../shared), as laid out for developers and CI.
REFERENCE = SEEDS_DIR.parent.parent / "shared" / "reference"


def reference_rows(name: str) -> list[dict[str, str]]:
    path = REFERENCE / name
    if not path.is_file():
        pytest.fail(f"reference list {path} is missing: the catalog is checked against it")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def seeds() -> Bundle:
    return load_seed_bundle(SEEDS_DIR)


@pytest.fixture(scope="module")
def seeded() -> Iterator[EmbeddedStore]:
    """The demo as `serve --demo` loads it on its reference day: the seeds written into an
    in-memory store (this resolves every reference), then its imports (scans, ML-BOM, lineage)."""
    store = EmbeddedStore()
    load_demo(store, DEMO_REFERENCE)
    yield store
    store.close()
