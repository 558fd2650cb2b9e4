"""The service's Prometheus metrics, and the helpers that count them.

Every label takes values from a bounded set: route templates (never a raw path), status codes,
role names, GraphQL operation names folded by `OperationNames`, the store protocol's method
names, error codes and the few outcomes named here. With `serve --workers N` each worker counts
in prometheus-client's multiprocess mode (PROMETHEUS_MULTIPROC_DIR, set by service/cli_serve.py)
and a scrape through any worker answers for all of them.
"""

from __future__ import annotations

import os
import re
import threading
from typing import Literal

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

# Seconds; a GraphQL report on the demo takes milliseconds, one at L scale up to seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

HTTP_REQUESTS = Counter(
    "attestgraph_http_requests",
    "HTTP requests answered, by route template, method, status and the caller's role.",
    ["route", "method", "status", "role"],
)
HTTP_SECONDS = Histogram(
    "attestgraph_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer.",
    ["route", "method"],
    buckets=LATENCY_BUCKETS,
)
GRAPHQL_OPERATIONS = Counter(
    "attestgraph_graphql_operations",
    "GraphQL operations executed, by operation name (unnamed: anonymous; past the cap: other) and outcome.",
    ["operation", "outcome"],
)
GRAPHQL_SECONDS = Histogram(
    "attestgraph_graphql_operation_duration_seconds",
    "Time to parse, validate and execute a GraphQL operation.",
    ["operation"],
    buckets=LATENCY_BUCKETS,
)
REFUSALS = Counter(
    "attestgraph_refusals",
    "Requests refused before any work, by error code (QUERY_TOO_COSTLY, QUERY_TOO_COMPLEX, RATE_LIMITED, ...).",
    ["code"],
)
STORE_SECONDS = Histogram(
    "attestgraph_store_call_duration_seconds",
    "Time of one call on the graph store, by question (the store method) and backend.",
    ["question", "store"],
    buckets=LATENCY_BUCKETS,
)
STORE_ERRORS = Counter(
    "attestgraph_store_call_errors",
    "Store calls that raised, by question and backend.",
    ["question", "store"],
)
# The Neo4j driver exposes no pool figures in its public API; a store call holds at most one of
# its connections at a time, so the calls in progress bound the connections in use from above.
STORE_IN_PROGRESS = Gauge(
    "attestgraph_store_calls_in_progress",
    "Store calls running now (on neo4j: an upper bound of the driver's pooled connections in use).",
    ["store"],
    multiprocess_mode="livesum",
)
EVIDENCE_RECORDED = Counter(
    "attestgraph_evidence_recorded",
    "recordEvidence calls, by outcome (ok, or error: <code>).",
    ["outcome"],
)
EVIDENCE_REVIEWS = Counter(
    "attestgraph_evidence_reviews",
    "reviewEvidence calls, by outcome (ok, or error: <code>).",
    ["outcome"],
)
IMPORTS = Counter(
    "attestgraph_imports",
    "Imports of findings, SBOMs and the like, by format and outcome (ok or failed).",
    ["format", "outcome"],
)
AUDIT_ENTRIES = Gauge(
    "attestgraph_audit_log_entries",
    "Entries in the audit log, read from the store at each scrape.",
    multiprocess_mode="max",
)

ImportOutcome = Literal["ok", "failed"]
IMPORT_OUTCOMES: tuple[str, ...] = ("ok", "failed")
FORMAT = re.compile(r"[a-z0-9][a-z0-9_.-]{0,31}")


def record_import(format: str, outcome: ImportOutcome) -> None:
    """Count one import of `format` (e.g. "nessus", "cyclonedx") that ended `outcome`.

    For the importers: call it once per import, with "failed" when nothing was written. A format
    is a short lowercase name, so the label stays bounded; anything else is a ValueError."""
    if not FORMAT.fullmatch(format):
        raise ValueError(f"format: must be a short lowercase name (a-z, 0-9, _ . -, up to 32), not {format[:40]!r}")
    if outcome not in IMPORT_OUTCOMES:
        raise ValueError(f"outcome: must be one of {', '.join(IMPORT_OUTCOMES)}, not {outcome!r}")
    IMPORTS.labels(format=format, outcome=outcome).inc()


def record_refusal(code: str) -> None:
    REFUSALS.labels(code=code).inc()


# The mutations counted on their own, by the role guard that sees every one end (service/auth/guard.py).
WRITE_COUNTERS = {"Mutation.recordEvidence": EVIDENCE_RECORDED, "Mutation.reviewEvidence": EVIDENCE_REVIEWS}


def record_write(operation: str, outcome: str) -> None:
    """Count a mutation's end, if it is one counted on its own; `outcome` as its audit entry says."""
    counter = WRITE_COUNTERS.get(operation)
    if counter is not None:
        counter.labels(outcome=outcome).inc()


class OperationNames:
    """Operation names as metric labels: the first `limit` distinct names seen keep their own
    series, later ones fold to "other" (a caller choosing names cannot grow the label set);
    an unnamed operation is "anonymous"."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def label(self, name: str | None) -> str:
        if not name:
            return "anonymous"
        with self._lock:
            if name in self._seen:
                return name
            if len(self._seen) < self.limit:
                self._seen.add(name)
                return name
        return "other"


# The dashboard asks about 40 named documents; room for the integrations' own besides.
OPERATION_NAMES = OperationNames(limit=100)


def exposition(audit_entries: int | None) -> tuple[bytes, str]:
    """The scrape's body and content type: this process's metrics, or every worker's in
    multiprocess mode."""
    if audit_entries is not None:
        AUDIT_ENTRIES.set(audit_entries)
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def process_exited(pid: int) -> None:
    """Drop a stopped worker's live gauges (its counters stay in the totals, as they should)."""
    if os.environ.get(MULTIPROC_ENV):
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]
