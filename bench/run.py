"""Run the benchmark: load a synthetic org into a store, time the questions, compare.

    .venv/bin/python -m bench run --scales S,M --stores embedded,neo4j

Each (scale, store) runs in a fresh child process (`python -m bench one ...`), so the memory
figure of one run is not inflated by another. The parent starts a dedicated Neo4j server for
each scale (tools/neo4j/start.sh, its own data dir and port), stops it afterwards, gathers the
children's figures, computes the ratios and writes bench/results/bench.json and bench.md.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psutil

from bench.synthetic import REFERENCE, SyntheticOrg
from graph import queries
from graph.access.keys import Role, new_key
from graph.bundle import Bundle, parse_bundle
from graph.model import ControlStatus, Evidence, EvidenceStatus
from graph.queries.results import ChangeRequest
from graph.store import GraphStore

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
SOC2 = "soc2-tsc-2017"
ISO42001 = "iso-iec-42001-2023"
PERIOD = (REFERENCE - timedelta(days=365), REFERENCE)
NEO4J_PASSWORD = "attestgraph-bench"

# Neo4j memory per scale (JVM heap, page cache): what this 24 GiB, 2-core machine can spare.
NEO4J_MEMORY = {"XS": ("1g", "256m"), "S": ("1g", "512m"), "M": ("2g", "1g"), "L": ("6g", "6g")}

# The overview page of the dashboard asks exactly this (frontend/src/api/queries.ts, fetchCoverage).
DASHBOARD_QUERY = """
query Coverage($framework: ID!, $asOf: DateTime) {
  coverage(framework: $framework, asOf: $asOf) {
    frameworkId asOf
    totals { total covered partial uncovered }
    byCategory { category total covered partial uncovered }
    criteria: criteriaRows(assessableOnly: true)
  }
}"""


# -- timing ------------------------------------------------------------------------------------
def measure(fn: Callable[[], Any], repeat: int, budget_s: float) -> dict[str, Any]:
    """The first call apart (cold), then up to `repeat` timed calls within `budget_s` (at least 3,
    unless one call takes a third of the budget: then as many as fit, and the first if none)."""
    start = time.perf_counter()
    fn()
    first = time.perf_counter() - start
    samples: list[float] = []
    deadline = time.perf_counter() + budget_s
    slow = first > budget_s / 3
    while len(samples) < repeat and ((len(samples) < 3 and not slow) or time.perf_counter() < deadline):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return figures(samples or [first], first)


def attempt(fn: Callable[[], Any], repeat: int, budget_s: float) -> dict[str, Any]:
    """`measure`, or the error that stopped the question (reported, not hidden; the run goes on)."""
    try:
        return measure(fn, repeat, budget_s)
    except Exception as error:
        return {"error": f"{type(error).__name__}: {str(error)[:300]}"}


def figures(samples: list[float], first: float | None = None) -> dict[str, Any]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    out = {
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(p95 * 1000, 3),
        "min_ms": round(ordered[0] * 1000, 3),
        "n": len(ordered),
    }
    if first is not None:
        out["first_ms"] = round(first * 1000, 3)
    return out


# -- stores ------------------------------------------------------------------------------------
def open_store(kind: str, folder: Path, neo4j_uri: str | None) -> GraphStore:
    if kind == "embedded":
        from graph.stores.embedded import EmbeddedStore

        return EmbeddedStore(folder / "attestgraph.sqlite3")
    from graph.stores.neo4j import Neo4jStore

    assert neo4j_uri is not None, "a Neo4j run needs --neo4j-uri"
    store = Neo4jStore(neo4j_uri, "neo4j", NEO4J_PASSWORD)
    store.clear()
    return store


def load(store: GraphStore, org: SyntheticOrg, chunk: int, on_bundle: Callable[[Any], None] | None) -> dict[str, Any]:
    """Validate and write the org document by document (each chunk all-or-nothing), timed apart
    from generating the documents."""
    generate = validate = write = 0.0
    nodes = edges = chunks = 0
    documents = org.documents(chunk)
    while True:
        t0 = time.perf_counter()
        document = next(documents, None)
        t1 = time.perf_counter()
        generate += t1 - t0
        if document is None:
            break
        bundle = parse_bundle(document)
        t2 = time.perf_counter()
        summary = store.write(bundle, immutable_evidence=True)
        t3 = time.perf_counter()
        validate += t2 - t1
        write += t3 - t2
        nodes, edges, chunks = nodes + summary.nodes, edges + summary.edges, chunks + 1
        if on_bundle is not None:
            on_bundle(bundle)
        del bundle, document
    total = validate + write
    return {
        "seconds": round(total, 2),
        "validate_s": round(validate, 2),
        "write_s": round(write, 2),
        "generate_s": round(generate, 2),
        "nodes": nodes,
        "edges": edges,
        "chunks": chunks,
        "rows_per_s": round((nodes + edges) / total) if total else None,
    }


@contextmanager
def serving(store: GraphStore) -> Iterator[tuple[str, str]]:
    """The real app under uvicorn on loopback, around `store`; yields (url, admin key)."""
    import uvicorn

    from service.app import create_app
    from service.settings import Settings

    record, key = new_key(Role.ADMIN, "bench")
    store.access.put_key(record)
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(Settings(rate_limit=0, frontend_dir=None), store=store)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", key
    finally:
        server.should_exit = True
        thread.join(timeout=10)


# -- one run -----------------------------------------------------------------------------------
def run_one(
    scale: str,
    store_kind: str,
    seed: int,
    repeat: int,
    budget_s: float,
    neo4j_uri: str | None,
    load_only: bool = False,
    bulk_home: Path | None = None,
) -> dict[str, Any]:
    """`bulk_home`: load by bulk import into the (stopped, empty) server of that data dir."""
    process = psutil.Process()
    rss_start = process.memory_info().rss
    folder = Path(tempfile.mkdtemp(prefix=f"attestgraph-bench-{scale}-"))
    try:
        org = SyntheticOrg(scale, seed)
        if bulk_home is not None:
            from bench.bulk import bulk_server, load_bulk
            from graph.stores.neo4j import Neo4jStore

            assert neo4j_uri is not None, "a bulk load needs --neo4j-uri"
            port = int(neo4j_uri.rsplit(":", 1)[1])
            load_figures = load_bulk(org, bulk_server(scale, bulk_home, port, NEO4J_PASSWORD, *NEO4J_MEMORY[scale]))
            store: GraphStore = Neo4jStore(neo4j_uri, "neo4j", NEO4J_PASSWORD)
        else:
            store = open_store(store_kind, folder, neo4j_uri)
            load_figures = load(store, org, 50_000, None)
        shape = org.shape
        del org  # what the service holds is the store, not the generator
        gc.collect()
        rss_loaded = process.memory_info().rss
        result: dict[str, Any] = {
            "scale": scale,
            "store": store_kind,
            "seed": seed,
            "shape": vars(shape),
            "load": load_figures,
            "memory": {"rss_loaded_mb": round(rss_loaded / 2**20), "rss_before_mb": round(rss_start / 2**20)},
        }
        if store_kind == "embedded":
            result["memory"]["sqlite_mb"] = round(sum(p.stat().st_size for p in folder.glob("*")) / 2**20, 1)
        if load_only:  # iterating on the load path: no questions, no lower bounds
            result["queries"] = {}
            store.close()
            return result
        result["queries"] = time_queries(store, shape.leaf_dataset, shape.hub, repeat, budget_s)
        result["memory"]["rss_after_queries_mb"] = round(process.memory_info().rss / 2**20)
        if store_kind == "embedded":
            from bench.baselines import Collector

            # The same documents again (deterministic by seed), for the arrays of the lower bounds.
            collector = Collector()
            for document in SyntheticOrg(scale, seed).documents(50_000):
                collector.add(parse_bundle(document))
            result["baselines"] = time_baselines(store, collector, shape.leaf_dataset, shape.hub, repeat, budget_s)
        # Last, as it writes (the lower bounds are over the org as generated): the first answer after
        # a write, an evidence item recorded for a control of SOC 2 just before each call.
        result["queries"]["coverage_soc2_after_write"] = attempt_after_writes(
            store, lambda: queries.coverage(store, SOC2, REFERENCE), repeat, budget_s
        )
        from bench.writes import time_writes

        result["queries"].update(time_writes(store, SOC2, shape.hub, repeat, budget_s, figures))
        store.close()
        return result
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def time_queries(store: GraphStore, leaf: str, hub: str, repeat: int, budget_s: float) -> dict[str, Any]:
    at = REFERENCE
    moving = iter(range(1, 10**6))
    timed: dict[str, Any] = {}
    calls: dict[str, Callable[[], Any]] = {
        "coverage_soc2": lambda: queries.coverage(store, SOC2, at),
        "coverage_iso42001": lambda: queries.coverage(store, ISO42001, at),
        # Each call at another instant (hours apart): nothing remembered from the call before.
        "coverage_soc2_new_instant": lambda: queries.coverage(store, SOC2, at - timedelta(hours=7 * next(moving))),
        "blast_radius_leaf": lambda: queries.blast_radius(store, leaf),
        "blast_radius_hub": lambda: queries.blast_radius(store, hub),
        "missing_evidence": lambda: queries.missing_evidence(store, at),
        "missing_evidence_soc2": lambda: queries.missing_evidence(store, at, SOC2),
        "evidence_gaps_12m": lambda: queries.evidence_gaps(store, *PERIOD),
        "crosswalk_soc2_iso42001": lambda: queries.crosswalk(store, SOC2, ISO42001),
        # What-if of a change of the hub and everything depending on it (writes nothing).
        "impact_hub": lambda: queries.impact(store, ChangeRequest(asset_id=hub, at=at, propagate=True)),
    }
    for name, call in calls.items():
        timed[name] = attempt(call, repeat, budget_s)
    sizes: dict[str, Any] = {}
    answers: dict[str, Callable[[], Any]] = {
        "blast_radius_leaf": lambda: _blast_size(queries.blast_radius(store, leaf)),
        "blast_radius_hub": lambda: _blast_size(queries.blast_radius(store, hub)),
        "missing_evidence_rows": lambda: len(queries.missing_evidence(store, at).rows),
        "coverage_soc2": lambda: queries.coverage(store, SOC2, at).totals.model_dump(),
        "coverage_iso42001": lambda: queries.coverage(store, ISO42001, at).totals.model_dump(),
    }
    for name, answer in answers.items():
        if "error" not in timed.get(name.removesuffix("_rows"), {}):
            sizes[name] = answer()
    with serving(store) as (url, key), httpx.Client(headers={"Authorization": f"Bearer {key}"}, timeout=120) as client:
        body = {"query": DASHBOARD_QUERY, "variables": {"framework": SOC2, "asOf": at.isoformat()}}

        def dashboard() -> None:
            response = client.post(f"{url}/graphql", json=body)
            response.raise_for_status()
            assert "errors" not in response.json(), response.text[:500]

        timed["dashboard_graphql"] = attempt(dashboard, repeat, budget_s)
        timed["dashboard_direct"] = attempt(lambda: queries.coverage(store, SOC2, at), repeat, budget_s)
        # As the dashboard asks by default ("now"): a new instant each call, nothing remembered.
        instants = iter(range(1, 10**6))

        def dashboard_new_instant() -> None:
            moment = at - timedelta(hours=7 * next(instants), minutes=1)
            response = client.post(
                f"{url}/graphql", json={**body, "variables": {"framework": SOC2, "asOf": moment.isoformat()}}
            )
            response.raise_for_status()
            assert "errors" not in response.json(), response.text[:500]

        timed["dashboard_graphql_new_instant"] = attempt(dashboard_new_instant, repeat, budget_s)
        timed["dashboard_direct_new_instant"] = attempt(
            lambda: queries.coverage(store, SOC2, at - timedelta(hours=7 * next(instants), minutes=2)), repeat, budget_s
        )
    timed["sizes"] = sizes
    return timed


def attempt_after_writes(store: GraphStore, fn: Callable[[], Any], repeat: int, budget_s: float) -> dict[str, Any]:
    """`fn` timed right after a write of one new accepted evidence item each time (the write is
    not timed), or the error that stopped it."""
    control = next(
        finding.control_id
        for row in queries.coverage(store, SOC2, REFERENCE).criteria
        for finding in row.controls
        if finding.status is ControlStatus.IMPLEMENTED
    )
    written = iter(range(1, 10**6))

    def write_then(fn: Callable[[], Any]) -> float:
        n = next(written)
        item = Evidence(
            id=f"bench-after-write-{n}",
            title="Benchmark: evidence recorded before the timed call",
            control=control,
            collected_at=REFERENCE - timedelta(minutes=n),
            status=EvidenceStatus.ACCEPTED,
        )
        store.write(Bundle(evidence=[item]), immutable_evidence=True)
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0

    try:
        first = write_then(fn)
        samples: list[float] = []
        deadline = time.perf_counter() + budget_s
        while len(samples) < repeat and (len(samples) < 3 or time.perf_counter() < deadline):
            samples.append(write_then(fn))
        return figures(samples, first)
    except Exception as error:
        return {"error": f"{type(error).__name__}: {str(error)[:300]}"}


def _blast_size(result: Any) -> dict[str, int]:
    return {
        "assets": len(result.assets),
        "controls": len(result.controls),
        "criteria": len(result.criteria),
        "evidence": len(result.evidence),
    }


def time_baselines(
    store: GraphStore, collector: Any, leaf: str, hub: str, repeat: int, budget_s: float
) -> dict[str, Any]:
    t0 = time.perf_counter()
    base = collector.build()
    prepared = time.perf_counter() - t0
    at = REFERENCE
    out: dict[str, Any] = {"prepare_s": round(prepared, 2)}
    checks: dict[str, tuple[Callable[[], Any], Callable[[], bool]]] = {
        "coverage_soc2": (
            lambda: base.coverage(SOC2, at),
            lambda: base.same_coverage(queries.coverage(store, SOC2, at), base.coverage(SOC2, at)),
        ),
        "coverage_iso42001": (
            lambda: base.coverage(ISO42001, at),
            lambda: base.same_coverage(queries.coverage(store, ISO42001, at), base.coverage(ISO42001, at)),
        ),
        "blast_radius_leaf": (
            lambda: base.blast_radius(leaf),
            lambda: base.same_blast(queries.blast_radius(store, leaf), base.blast_radius(leaf)),
        ),
        "blast_radius_hub": (
            lambda: base.blast_radius(hub),
            lambda: base.same_blast(queries.blast_radius(store, hub), base.blast_radius(hub)),
        ),
        "bfs_order_hub": (lambda: base.bfs_order(hub), lambda: True),
        "missing_evidence": (
            lambda: base.missing_evidence(at),
            lambda: base.same_missing(queries.missing_evidence(store, at).rows, base.missing_evidence(at)),
        ),
        "evidence_gaps_12m": (
            lambda: base.evidence_gaps(*PERIOD),
            lambda: base.same_gaps(queries.evidence_gaps(store, *PERIOD), base.evidence_gaps(*PERIOD)),
        ),
        "crosswalk_soc2_iso42001": (
            lambda: base.crosswalk(SOC2, ISO42001),
            lambda: base.same_crosswalk(queries.crosswalk(store, SOC2, ISO42001), base.crosswalk(SOC2, ISO42001)),
        ),
    }
    for name, (bound, agrees) in checks.items():
        out[name] = {**measure(bound, repeat, budget_s), "agrees": bool(agrees())}
    return out


# -- the dedicated Neo4j server ------------------------------------------------------------------
@contextmanager
def neo4j_server(scale: str, port: int, started: bool = True) -> Iterator[dict[str, Any]]:
    """`started` False: a data dir for a bulk load, which starts the server itself."""
    heap, pagecache = NEO4J_MEMORY[scale]
    home = Path(tempfile.mkdtemp(prefix=f"attestgraph-bench-neo4j-{scale}-"))
    env = {
        **os.environ,
        "NEO4J_HOME_DIR": str(home),
        "NEO4J_BOLT_PORT": str(port),
        "NEO4J_PASSWORD": NEO4J_PASSWORD,
        "NEO4J_HEAP": heap,
        "NEO4J_PAGECACHE": pagecache,
        "NEO4J_START_TIMEOUT": "600",
    }
    tools = REPO / "tools" / "neo4j"
    done = (
        subprocess.run(["bash", str(tools / "start.sh"), str(home)], env=env, capture_output=True, text=True)
        if started
        else None
    )
    if done is not None and done.returncode != 0:
        raise RuntimeError(f"tools/neo4j/start.sh failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    info = {"uri": f"bolt://127.0.0.1:{port}", "home": home, "heap": heap, "pagecache": pagecache}
    try:
        yield info
    finally:
        subprocess.run(["bash", str(tools / "stop.sh"), str(home)], env=env, capture_output=True, text=True)
        shutil.rmtree(home, ignore_errors=True)


def neo4j_memory(home: Path) -> dict[str, Any]:
    pid = int((home / "neo4j.pid").read_text().strip())
    rss = psutil.Process(pid).memory_info().rss
    data = home / "data"
    size = sum(p.stat().st_size for p in data.rglob("*") if p.is_file())
    stores = sum(p.stat().st_size for p in (data / "databases").rglob("*") if p.is_file())
    return {
        "neo4j_rss_mb": round(rss / 2**20),
        "neo4j_data_mb": round(size / 2**20, 1),
        "neo4j_store_mb": round(stores / 2**20, 1),
    }


# -- the whole run -------------------------------------------------------------------------------
def child(
    scale: str,
    store: str,
    seed: int,
    repeat: int,
    budget: float,
    neo4j: dict[str, Any] | None,
    load_only: bool,
    bulk: bool = False,
) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    command = [
        sys.executable, "-m", "bench", "one", "--scale", scale, "--store", store, "--seed", str(seed),
        "--repeat", str(repeat), "--budget", str(budget), "--json", str(out),
    ]  # fmt: skip
    if neo4j is not None:
        command += ["--neo4j-uri", neo4j["uri"]]
    if load_only:
        command.append("--load-only")
    if bulk and neo4j is not None:
        command += ["--bulk-home", str(neo4j["home"])]
    print(f"[bench] {scale} on {store} ...", flush=True)
    t0 = time.perf_counter()
    peak = 0
    proc = subprocess.Popen(command, cwd=REPO)
    watched = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            peak = max(peak, watched.memory_info().rss)
        except psutil.NoSuchProcess:
            break
        time.sleep(0.5)
    if proc.returncode != 0:
        raise RuntimeError(f"bench run {scale}/{store} failed (exit {proc.returncode})")
    result: dict[str, Any] = json.loads(out.read_text())
    out.unlink()
    result["memory"]["rss_peak_mb"] = round(peak / 2**20)
    if neo4j is not None:
        result["memory"].update(neo4j_memory(neo4j["home"]))
        result["memory"]["neo4j_heap"] = neo4j["heap"]
        result["memory"]["neo4j_pagecache"] = neo4j["pagecache"]
    result["wall_s"] = round(time.perf_counter() - t0, 1)
    print(f"[bench] {scale} on {store}: done in {result['wall_s']} s", flush=True)
    return result


def run(
    scales: list[str],
    stores: list[str],
    seed: int,
    repeat: int,
    budget: float,
    port: int,
    out_dir: Path,
    name: str,
    load_only: bool = False,
    bulk: bool = False,
) -> dict[str, Any]:
    started = datetime.now(UTC)
    load_before = os.getloadavg()
    failed: list[dict[str, Any]] = []
    runs = []
    for scale in scales:
        for store in stores:
            try:
                if store == "neo4j":
                    with neo4j_server(scale, port, started=not bulk) as server:
                        runs.append(child(scale, store, seed, repeat, budget, server, load_only, bulk))
                else:
                    runs.append(child(scale, store, seed, repeat, budget, None, load_only))
            except RuntimeError as error:  # reported in the results, and the other pairs still run
                print(f"[bench] {scale} on {store} failed: {error}", flush=True)
                failed.append({"scale": scale, "store": store, "error": str(error)[:2000]})
            out_dir.mkdir(parents=True, exist_ok=True)
            (out_dir / f"{name}.partial.json").write_text(json.dumps(runs, indent=2, default=str) + "\n")
    report = {
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "command": " ".join(
            ["python -m bench run", f"--scales {','.join(scales)}", f"--stores {','.join(stores)}"]
            + ["--load-only"] * load_only
            + ["--bulk"] * bulk
        ),
        "machine": {
            "cores": os.cpu_count(),
            "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        },
        "runs": runs,
        "failed": failed,
    }
    from bench.report import markdown, ratios_and_targets

    report.update(ratios_and_targets(runs))
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{name}.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    (out_dir / f"{name}.md").write_text(markdown(report))
    (out_dir / f"{name}.partial.json").unlink(missing_ok=True)
    print(f"[bench] wrote {out_dir / name}.json and .md", flush=True)
    return report
