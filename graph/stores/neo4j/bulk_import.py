"""Bulk load into the Neo4j server the project starts itself (tools/neo4j): bundles checked as one
write into an empty database (bulk_rows.py), written as CSV (bulk_csv.py), imported by
`neo4j-admin database import full` into the stopped server's database (tools/neo4j/import.sh),
the server started again and the store's schema created, as `Neo4jStore` does at open.

The graph is the one the online path (`Neo4jStore.write`) leaves in an empty database, property
for property; only what each write stamps for itself differs (the graph version's epoch, the
instants that records are stamped with, the audit entry's time and hash). A remote server has
no data dir to import into: there the online path is the way.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from neo4j import GraphDatabase
from neo4j.exceptions import DriverError, Neo4jError

from graph.access.audit import pending_audit
from graph.bundle import Bundle
from graph.errors import ConflictError, StoreUnavailableError
from graph.model import now_utc
from graph.stores.neo4j.bulk_csv import write_files
from graph.stores.neo4j.bulk_rows import bulk_graph, checked, merged

TOOLS = Path(__file__).resolve().parents[3] / "tools" / "neo4j"
MAIN_CLASS = "attestgraph.Neo4jServer"
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
READY_PORT = re.compile(r"ATTESTGRAPH_NEO4J_READY .*bolt=bolt://[^:\s]+:(\d+)")
# The import tool stops at the first bad line: the input was checked, so a bad line is a bug.
IMPORT_OPTIONS = ["--array-delimiter=U+001F", "--bad-tolerance=0", "--skip-bad-relationships=false", "--strict=true"]


@dataclass(frozen=True)
class LocalServer:
    """A server of tools/neo4j: its data dir, Bolt port on loopback, password and memory."""

    home: Path
    port: int = 7687
    password: str = "attestgraph-dev"
    heap: str | None = None  # NEO4J_HEAP of start.sh
    pagecache: str | None = None  # NEO4J_PAGECACHE
    import_memory: str | None = None  # the import tool's off-heap memory (NEO4J_IMPORT_MEMORY)

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    def _env(self) -> dict[str, str]:
        wanted = {
            "NEO4J_BOLT_PORT": str(self.port),
            "NEO4J_BOLT_HOST": "127.0.0.1",
            "NEO4J_PASSWORD": self.password,
            "NEO4J_HEAP": self.heap,
            "NEO4J_PAGECACHE": self.pagecache,
            "NEO4J_IMPORT_MEMORY": self.import_memory,
            "NEO4J_START_TIMEOUT": os.environ.get("NEO4J_START_TIMEOUT", "600"),
        }
        return {**os.environ, **{k: v for k, v in wanted.items() if v is not None}}

    def run(self, script: str, *args: str) -> str:
        path = TOOLS / script
        if not path.exists():
            raise StoreUnavailableError(f"{path} does not exist: the bulk load needs the repository's tools/neo4j")
        done = subprocess.run(
            ["bash", str(path), str(self.home), *args], env=self._env(), capture_output=True, text=True
        )
        if done.returncode != 0:
            raise StoreUnavailableError(
                f"tools/neo4j/{script} failed (exit {done.returncode}):\n{(done.stdout + done.stderr)[-3000:]}"
            )
        return done.stdout

    def running(self) -> bool:
        try:
            pid = (self.home / "neo4j.pid").read_text().strip()
            return MAIN_CLASS in Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
        except OSError:
            return False

    def has_database(self) -> bool:
        return (self.home / "data" / "databases" / "neo4j" / "neostore").exists()

    def listening_port(self) -> int | None:
        """The Bolt port the running server announced in its log (start.sh's ready line)."""
        try:
            found = READY_PORT.search((self.home / "neo4j.log").read_text(errors="replace"))
        except OSError:
            return None
        return int(found.group(1)) if found else None

    def node_count(self) -> int:
        """Nodes in the running server's database (refusing a server of another port than ours)."""
        port = self.listening_port()
        if port is not None and port != self.port:
            raise ConflictError(
                f"NEO4J_URI: the Neo4j server of {self.home} listens on port {port}, not {self.port}; "
                "point NEO4J_URI at it"
            )
        try:
            with GraphDatabase.driver(self.uri, auth=("neo4j", self.password)) as driver:
                records, _, _ = driver.execute_query("MATCH (n) RETURN count(n) AS n")
        except (Neo4jError, DriverError) as error:
            raise StoreUnavailableError(
                f"the Neo4j server of {self.home} at {self.uri} cannot answer: {error}"
            ) from error
        return int(records[0]["n"])


@dataclass
class BulkSummary:
    nodes: int
    edges: int
    seconds: dict[str, float] = field(default_factory=dict)  # per phase: check, csv, import, start, schema


def refuse_unless_empty(server: LocalServer) -> None:
    """`ConflictError` unless the server's database is absent or holds no node (started to ask if
    need be); the server is left running if it was."""
    if not server.running() and not server.has_database():
        return
    if not server.running():
        server.run("start.sh")
    held = server.node_count()
    if held:
        raise ConflictError(
            f"database: the Neo4j database in {server.home} holds {held} nodes; a bulk load imports only "
            "into an empty database (load without --bulk to add to it, or give an empty data dir)"
        )


def bulk_load(bundles: Iterable[Bundle], server: LocalServer, now: datetime | None = None) -> BulkSummary:
    """Load `bundles` (each validated, e.g. by `parse_bundle`) as one all-or-nothing write into the
    empty database of `server`: every check before anything is written; refused (`ConflictError`)
    if the database holds anything. The server runs afterwards, with the store's schema."""
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        seconds[name] = round(time.perf_counter() - clock, 2)
        clock = time.perf_counter()

    server.home.mkdir(parents=True, exist_ok=True)
    refuse_unless_empty(server)
    bundle = checked(merged(iter(bundles)), now or now_utc())
    graph = bulk_graph(bundle)
    del bundle
    lap("check")
    with tempfile.TemporaryDirectory(prefix="bulk-", dir=server.home) as scratch:
        files = write_files(graph, Path(scratch))
        lap("csv")
        existed = server.has_database()  # empty (checked above): replaced
        if server.running():
            server.run("stop.sh")
        options = [*IMPORT_OPTIONS, f"--overwrite-destination={'true' if existed else 'false'}"]
        if files.multiline:
            options += ["--multiline-fields-format=v2", f"--multiline-fields={','.join(map(str, files.multiline))}"]
        try:
            server.run("import.sh", *options, *files.arguments)
        except StoreUnavailableError:
            _drop_database(server)  # a half-made database: the server makes an empty one again
            raise
    lap("import")
    server.run("start.sh")
    lap("start")
    _finish(server, graph.empty_lists)
    lap("schema")
    pending = pending_audit()
    if pending is not None and graph.audit is not None:
        pending.entry = graph.audit  # committed with the graph, as a store write commits it
    return BulkSummary(graph.node_count, graph.edge_count, seconds)


def _drop_database(server: LocalServer) -> None:
    for part in ("databases", "transactions"):
        shutil.rmtree(server.home / "data" / part / "neo4j", ignore_errors=True)


def _finish(server: LocalServer, empty_lists: dict[tuple[str, str], list[str]]) -> None:
    """The store's constraints and indexes (created and populated as at every open), then the
    empty lists a CSV field cannot hold, set by id."""
    from graph.stores.neo4j.store import Neo4jStore

    store = Neo4jStore(server.uri, "neo4j", server.password)
    try:
        for (label, name), ids in empty_lists.items():
            if not (_IDENTIFIER.match(label) and _IDENTIFIER.match(name)):  # model names, never input
                raise AssertionError(f"{label}.{name} cannot be named in Cypher")
            statement = f"UNWIND $ids AS id MATCH (n:{label} {{id: id}}) SET n.{name} = []"
            for start in range(0, len(ids), 10_000):
                store.connection.driver.execute_query(statement, {"ids": ids[start : start + 10_000]})
    finally:
        store.close()
