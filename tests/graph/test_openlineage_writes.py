"""The OpenLineage importer writes once per import, whatever it creates, and a repeat not at all
(the importer's own logic: one backend shows it)."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from graph.access.audit import AuditDraft
from graph.imports.registry import ImportFormat, ImportOptions, file_sha256, run_import
from graph.store import GraphStore
from graph.stores.embedded import EmbeddedStore
from tests.service.counting_store import CountingStore

RUNS = Path(__file__).parents[1] / "data" / "imports" / "openlineage-fraud-runs.jsonl"


def test_an_import_creating_assets_writes_once_and_its_repeat_never() -> None:
    inner = EmbeddedStore()
    store = CountingStore(inner)
    data = RUNS.read_bytes()
    options = ImportOptions(create_assets=True)
    for expected_writes in (1, 1):  # the first import, then the same again
        draft = AuditDraft(actor="test", role="admin", operation="import", input_digest=file_sha256(data))
        run_import(cast(GraphStore, store), ImportFormat.OPENLINEAGE, data, options, draft)
        assert store.calls["write"] == expected_writes
    assert sorted(a.kind.value for a in inner.export().assets) == ["dataset"] * 4 + ["model"] + ["pipeline"] * 2
    assert len(inner.access.audit_entries(first=10)) == 1  # the repeat left no entry: it wrote nothing
    inner.close()
