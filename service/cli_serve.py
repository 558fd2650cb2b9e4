"""`attestgraph serve`: the API and the dashboard, in one process or in `--workers N`.

Every process, one or many, builds its app the same way: uvicorn imports `service.app:create_app`
as a factory, which reads the settings from the environment and opens its own store in its
lifespan (so `--data-dir` is handed on as ATTESTGRAPH_DATA_DIR). With N > 1 uvicorn's supervisor
binds the socket, spawns N workers that accept from it (the kernel spreads connections among
them), restarts a worker that dies, and on SIGTERM or SIGINT stops them all and exits.

What runs once runs here, in the supervisor, before any worker exists: the store's schema (the
store opened here creates it), the demo load and the first admin key. The workers' lifespans
then only find them (storing ATTESTGRAPH_BOOTSTRAP_ADMIN_KEY again is a no-op when it exists).

Workers share nothing but the database. What each keeps in memory and why that is right:
- answers remembered per graph version (service/graphql/remembered.py) and the Neo4j read memo
  (graph/stores/neo4j/memo.py) are keyed by the `:GraphVersion` node, read from the database on
  every request: a write through any worker is seen by the next read through any other;
- parsed and validated documents (service/graphql/documents.py): a function of the text alone;
- OIDC signing keys (service/auth/oidc.py): each worker fetches and caches the issuer's JWKS;
- metrics (service/observability/metrics.py): each worker writes its own to the files of
  prometheus-client's multiprocess directory (PROMETHEUS_MULTIPROC_DIR), and a scrape through any
  worker answers the sum of all;
- the rate limit is counted per worker (service/auth/rate_limit.py): a caller whose connections
  land on k workers may make up to k times ATTESTGRAPH_RATE_LIMIT; put a shared limiter in front
  for a hard global limit;
- API keys are cached per worker for ATTESTGRAPH_KEY_CACHE_SECONDS (service/auth/keys.py): a key
  revoked through one worker is refused at once there and by the others within that many
  seconds, as after a revocation from the CLI (0 makes every worker ask the store each time).

The embedded store is served by one process only: its data dir is one writer's (a lock,
graph/stores/data_dir_lock.py), and its indexes live in that process's memory.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer

from graph.access.keys import Role
from graph.demo import load_demo
from graph.errors import AttestgraphError, InvalidInputError
from graph.model import Label, now_utc
from graph.store import GraphStore
from graph.stores.data_dir_lock import DataDirLock
from service.cli_errors import fail
from service.observability.logging_setup import LOG_CONFIG
from service.observability.metrics import MULTIPROC_ENV
from service.settings import PREFIX, Settings

APP_FACTORY = "service.app:create_app"


def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    data_dir: Annotated[Optional[Path], typer.Option(help="Embedded store folder (default: ./data).")] = None,  # noqa: UP045
    demo: Annotated[bool, typer.Option(help="Load the seed catalog and demo org first if the store is empty.")] = False,
    first_admin_key: Annotated[
        bool,
        typer.Option(help="Create an admin API key and print it once if the store has no key (implied by --demo)."),
    ] = False,
    workers: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(min=1, help="Service processes sharing the port (Neo4j store only; env ATTESTGRAPH_WORKERS)."),
    ] = None,
) -> None:
    """Run the API and the dashboard."""
    import uvicorn

    try:
        settings = Settings.from_env(data_dir=data_dir, workers=workers)
    except AttestgraphError as error:
        fail(error)
    if settings.store == "embedded" and settings.workers > 1:
        fail(
            InvalidInputError.one(
                "--workers" if workers is not None else f"{PREFIX}WORKERS",
                f"the embedded store is served by one process (it alone owns {settings.data_dir}/attestgraph.sqlite3); "
                "use 1, or the Neo4j store (ATTESTGRAPH_STORE=neo4j) for several workers",
            )
        )
    # The workers read their settings from the environment: hand on what the options said.
    os.environ[f"{PREFIX}DATA_DIR"] = str(settings.data_dir)
    os.environ[f"{PREFIX}WORKERS"] = str(settings.workers)
    # The data dir is this server's alone from now until it stops (graph/stores/data_dir_lock.py).
    with _data_dir_lock(settings), _shared_metrics(settings.workers):
        try:
            store = settings.open_store()
            try:
                if demo:
                    _load_demo_if_empty(store)
                creator = "serve --demo" if demo else "serve --first-admin-key" if first_admin_key else None
                _first_admin_key(store, settings, created_by=creator)
            finally:
                store.close()
        except AttestgraphError as error:
            fail(error)
        uvicorn.run(
            APP_FACTORY,
            factory=True,
            workers=settings.workers,
            host=host,
            port=port,
            log_level="info",
            # JSON lines (service/observability/logging_setup.py); the service's own request line,
            # with route template, role and request id, replaces uvicorn's access log.
            log_config=LOG_CONFIG,
            access_log=False,
            # Explicit, so uvicorn's default (trust X-Forwarded-For from 127.0.0.1, or its own
            # FORWARDED_ALLOW_IPS variable) never applies: only the proxies the operator lists.
            proxy_headers=bool(settings.forwarded_allow_ips),
            forwarded_allow_ips=list(settings.forwarded_allow_ips),
        )


@contextmanager
def _shared_metrics(workers: int) -> Iterator[None]:
    """With several workers, prometheus-client's multiprocess mode: each worker writes its
    metrics to files in one directory and a scrape through any of them sums them all. The
    directory is made empty here (stale files would count a previous run) unless the operator
    named one in PROMETHEUS_MULTIPROC_DIR, which they then empty before each start."""
    if workers == 1 or os.environ.get(MULTIPROC_ENV):
        yield
        return
    with tempfile.TemporaryDirectory(prefix="attestgraph-metrics-") as directory:
        os.environ[MULTIPROC_ENV] = directory  # before the workers start and import prometheus_client
        try:
            yield
        finally:
            del os.environ[MULTIPROC_ENV]


@contextmanager
def _data_dir_lock(settings: Settings) -> Iterator[None]:
    """Hold the embedded data dir's write lock for the block (nothing to hold for Neo4j)."""

    if settings.store != "embedded":
        yield
        return
    lock = DataDirLock(settings.data_dir)
    try:
        lock.acquire()
    except AttestgraphError as error:
        fail(error)
    try:
        yield
    finally:
        lock.release()


def _first_admin_key(store: GraphStore, settings: Settings, *, created_by: str | None) -> None:
    """Make sure someone can call the server: store ATTESTGRAPH_BOOTSTRAP_ADMIN_KEY if given; with
    --demo or --first-admin-key and no key at all, create an admin key and print it, this once."""
    from service.auth.keys import bootstrap_admin_key
    from service.cli_security import create_key

    if settings.bootstrap_admin_key:
        try:
            bootstrap_admin_key(store, settings.bootstrap_admin_key.get_secret_value())
        except ValueError as error:
            fail(InvalidInputError.one("ATTESTGRAPH_BOOTSTRAP_ADMIN_KEY", str(error)))
        return
    if store.access.list_keys():
        return
    if created_by is None:
        typer.echo("no API key exists yet: create one with `attestgraph keys create --role admin --name <you>`")
        return
    key = create_key(store, Role.ADMIN, f"first admin ({created_by})")
    typer.echo("=" * 78)
    typer.echo("Created the first admin API key. It is shown this once; only its hash is stored:")
    typer.echo(f"\n    {key}\n")
    typer.echo("Paste it into the dashboard, or send it as  Authorization: Bearer <key>")
    typer.echo("=" * 78)


def _load_demo_if_empty(store: GraphStore) -> None:
    if store.count_nodes(Label.FRAMEWORK) > 0:
        typer.echo("store already holds a graph; not loading the demo again")
        return
    summary = load_demo(store, now_utc())
    typer.echo(f"loaded the seed catalog and demo org: {summary.nodes} nodes, {summary.edges} relationships")
    for report in summary.imports:
        typer.echo(f"  demo {report.summary_line()}")
