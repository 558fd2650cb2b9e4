"""The small lab the Nessus import tests scan (tests/data/imports/lab-scan-*.nessus), and a way to
run `attestgraph import` on a store of either backend.

The lab: CTL-VULN applies to the GPU node (known by its host name) and the web front (known by
its IP only); the training node is an asset outside the control's scope; 10.0.5.99 is no asset.
CTL-AUTO (automated) applies to the GPU node only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from graph.bundle import Bundle
from graph.model import Finding, Label
from graph.store import GraphStore
from graph.stores.embedded import EmbeddedStore
from service.cli import app

SCANS = Path(__file__).resolve().parents[1] / "data" / "imports"
FIRST_SCAN = SCANS / "lab-scan-2026-11-02.nessus"
SECOND_SCAN = SCANS / "lab-scan-2026-11-16.nessus"

LAB = Bundle.model_validate(
    {
        "controls": [
            {"id": "CTL-VULN", "title": "Vulnerability scanning", "frequency": "monthly", "kind": "detective"},
            {"id": "CTL-AUTO", "title": "Automated GPU host scanning", "frequency": "weekly", "automated": True},
        ],
        "assets": [
            {
                "id": "srv-gpu",
                "kind": "infrastructure",
                "name": "GPU node",
                "identifiers": [{"kind": "hostname", "value": "gpu-node-01.lab.example"}],
            },
            {
                "id": "srv-web",
                "kind": "infrastructure",
                "name": "Web front",
                "identifiers": [{"kind": "ip", "value": "10.0.5.12"}],
            },
            {
                "id": "srv-train",
                "kind": "infrastructure",
                "name": "Training node",
                "identifiers": [{"kind": "hostname", "value": "train-02.lab.example"}],
            },
        ],
        "applies_to": [
            {"source": "CTL-VULN", "target": "srv-gpu"},
            {"source": "CTL-VULN", "target": "srv-web"},
            {"source": "CTL-AUTO", "target": "srv-gpu"},
        ],
    }
)


@dataclass
class CliGraph:
    """`attestgraph import` against the parametrized backend: the embedded store as a data dir of
    its own (the CLI opens it as a user would), Neo4j through the environment."""

    neo4j: GraphStore | None
    data_dir: Path

    @contextmanager
    def opened(self) -> Iterator[GraphStore]:
        if self.neo4j is not None:
            yield self.neo4j
            return
        store = EmbeddedStore(self.data_dir / "attestgraph.sqlite3")
        try:
            yield store
        finally:
            store.close()

    def run(self, *args: str) -> Result:
        return CliRunner().invoke(app, ["import", *args, "--data-dir", str(self.data_dir)])

    def export(self) -> Bundle:
        with self.opened() as store:
            return store.export()


def cli_graph(store: GraphStore, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: Any) -> CliGraph:
    if isinstance(store, EmbeddedStore):
        monkeypatch.setenv("ATTESTGRAPH_STORE", "embedded")
        return CliGraph(neo4j=None, data_dir=tmp_path / "data")
    server = request.getfixturevalue("neo4j_server")
    monkeypatch.setenv("ATTESTGRAPH_STORE", "neo4j")
    monkeypatch.setenv("NEO4J_URI", server.uri)
    monkeypatch.setenv("NEO4J_USER", server.user)
    monkeypatch.setenv("NEO4J_PASSWORD", server.password)
    if server.database is None:
        monkeypatch.delenv("NEO4J_DATABASE", raising=False)
    else:
        monkeypatch.setenv("NEO4J_DATABASE", server.database)
    return CliGraph(neo4j=store, data_dir=tmp_path / "unused")


def findings_by_plugin(store: GraphStore) -> dict[tuple[str, str], list[Finding]]:
    """The stored findings per (asset, plugin), oldest occurrence first."""
    found: dict[tuple[str, str], list[Finding]] = {}
    for node in store.list_nodes(Label.FINDING, first=1000):
        assert isinstance(node, Finding)
        found.setdefault((node.asset, node.plugin), []).append(node)
    return {key: sorted(items, key=lambda f: f.first_seen) for key, items in found.items()}
