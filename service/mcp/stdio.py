"""`attestgraph mcp`: the MCP server over stdio, for a desktop assistant that spawns it.

It reads the configured store read-only (an embedded data dir may be served meanwhile), or with
--demo the seed catalog and demo org, rebased to today, in memory. Whoever can run the command can
read the data dir already, so stdio asks no key. Only JSON-RPC goes to stdout; notes go to stderr.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from graph.demo import load_demo
from graph.errors import AttestgraphError, InvalidInputError
from graph.model import now_utc
from graph.store import GraphStore
from graph.stores.embedded import EmbeddedStore
from service.cli_errors import fail
from service.settings import Settings


def mcp(
    data_dir: Annotated[Optional[Path], typer.Option(help="Embedded store folder (default: ./data).")] = None,  # noqa: UP045
    demo: Annotated[bool, typer.Option(help="Serve the seed catalog and demo org, in memory.")] = False,
) -> None:
    """Serve the read tools and resources over MCP on stdin/stdout."""
    try:
        store = demo_store() if demo else open_read_only(Settings.from_env(data_dir=data_dir))
    except AttestgraphError as error:
        fail(error)
    from service.mcp.server import build_server  # the SDK takes a second to import: only for this command

    try:
        build_server(lambda: store).run("stdio")
    finally:
        store.close()


def open_read_only(settings: Settings) -> GraphStore:
    # A read-only open of a missing file would answer every question "does not exist".
    if settings.store == "embedded" and not (settings.data_dir / "attestgraph.sqlite3").exists():
        raise InvalidInputError.one(
            "--data-dir", f"{settings.data_dir} holds no store: load one first (attestgraph load) or use --demo"
        )
    return settings.open_store(read_only=True)


def demo_store() -> GraphStore:
    store = EmbeddedStore()
    summary = load_demo(store, now_utc())
    typer.echo(f"serving the demo org in memory: {summary.nodes} nodes, {summary.edges} relationships", err=True)
    return store
