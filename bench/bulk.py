"""The bench's bulk load (`python -m bench run --stores neo4j --bulk`): the org's documents parsed,
then `graph.stores.neo4j.bulk_import.bulk_load` into the dedicated server's empty database
(which it starts), timed per phase beside the online load's figures."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bench.synthetic import SyntheticOrg
from graph.bundle import Bundle, parse_bundle
from graph.stores.neo4j.bulk_import import LocalServer, bulk_load

# The import tool's off-heap memory per scale (beside the server's heap and page cache, run.py).
IMPORT_MEMORY = {"XS": "512m", "S": "512m", "M": "1g", "L": "3g"}


def load_bulk(org: SyntheticOrg, server: LocalServer) -> dict[str, Any]:
    """Parse the documents (as the online load does per document), then one bulk load; the same
    figures as `run.load`, with the bulk phases apart (check, csv, import, start, schema)."""
    generate = validate = 0.0
    bundles: list[Bundle] = []
    documents = org.documents(50_000)
    while True:
        t0 = time.perf_counter()
        document = next(documents, None)
        t1 = time.perf_counter()
        generate += t1 - t0
        if document is None:
            break
        bundles.append(parse_bundle(document))
        validate += time.perf_counter() - t1
    t2 = time.perf_counter()
    summary = bulk_load(bundles, server)
    write = time.perf_counter() - t2
    total = validate + write
    return {
        "path": "bulk",
        "seconds": round(total, 2),
        "validate_s": round(validate, 2),
        "write_s": round(write, 2),
        "generate_s": round(generate, 2),
        "phases_s": summary.seconds,
        "nodes": summary.nodes,
        "edges": summary.edges,
        "chunks": len(bundles),
        "rows_per_s": round((summary.nodes + summary.edges) / total) if total else None,
    }


def bulk_server(scale: str, home: Path, port: int, password: str, heap: str, pagecache: str) -> LocalServer:
    return LocalServer(home, port, password, heap, pagecache, IMPORT_MEMORY[scale])
