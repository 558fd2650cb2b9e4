"""`attestgraph import` run on the parametrized `store` fixture's backend, as a user would: the
embedded store as a data dir of its own (the CLI opens it), Neo4j through the environment."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from graph.bundle import Bundle
from graph.store import GraphStore
from graph.stores.embedded import EmbeddedStore
from service.cli import app


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
