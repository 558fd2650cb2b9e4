"""`attestgraph load --bulk`: the bulk path into the Neo4j server the project starts itself
(tools/neo4j; graph/stores/neo4j/bulk_import.py). A remote server is loaded online (no --bulk)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import typer

from graph.access.audit import audited
from graph.checks.file_loads import require_digests
from graph.errors import AttestgraphError, InvalidInputError
from graph.model import now_utc
from graph.seeds import DEMO_REFERENCE, read_seed_files, rebase_dates
from graph.stores.neo4j.bulk_import import TOOLS, LocalServer, bulk_load
from service.cli_errors import fail
from service.cli_security import cli_draft
from service.settings import Settings

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
DEFAULT_PASSWORD = "attestgraph-dev"  # tools/neo4j/start.sh's


def local_server(settings: Settings, home: Path | None) -> LocalServer:
    """The tools/neo4j server NEO4J_URI names: on loopback, its data dir from --neo4j-home,
    NEO4J_HOME_DIR or the scripts' default."""
    if settings.store != "neo4j":
        raise InvalidInputError.one(
            "--bulk", "imports into Neo4j only: set ATTESTGRAPH_STORE=neo4j (the embedded store loads without it)"
        )
    address = urlsplit(settings.neo4j_uri)
    if address.scheme not in ("bolt", "neo4j") or address.hostname not in LOOPBACK:
        raise InvalidInputError.one(
            "--bulk",
            f"NEO4J_URI is {settings.neo4j_uri}: the bulk path imports into the server the project starts on "
            "this machine (tools/neo4j, bolt://127.0.0.1:PORT); load a remote server without --bulk",
        )
    if settings.neo4j_database not in (None, "neo4j"):
        raise InvalidInputError.one("--bulk", "imports into the default database 'neo4j' only (unset NEO4J_DATABASE)")
    password = settings.neo4j_password.get_secret_value() or DEFAULT_PASSWORD
    folder = home or settings.neo4j_home_dir or TOOLS.parent.parent / ".neo4j-data"
    return LocalServer(folder.resolve(), address.port or 7687, password)


def load_bulk(settings: Settings, paths: list[Path], rebase_demo: bool, home: Path | None) -> None:
    try:
        server = local_server(settings, home)
        bundle, provenance = read_seed_files(*paths)
        if rebase_demo:
            bundle = rebase_dates(bundle, DEMO_REFERENCE, now_utc())
        try:
            require_digests(bundle)
            # The load is audited as the online one is: its entry is imported with the graph.
            with audited(cli_draft("load --bulk", bundle.model_dump(mode="json"))):
                summary = bulk_load([bundle], server)
        except InvalidInputError as error:
            raise provenance.locate(error) from None
    except AttestgraphError as error:
        fail(error)
    typer.echo(
        f"loaded {summary.nodes} nodes and {summary.edges} relationships into the Neo4j server in {server.home} "
        f"by bulk import ({', '.join(f'{k} {v} s' for k, v in summary.seconds.items())}); it runs at {server.uri}"
    )
