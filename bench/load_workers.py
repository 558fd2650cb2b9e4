"""The load test against `attestgraph serve --workers N`, for each N, on one synthetic org.

    .venv/bin/python -m bench load --store neo4j --workers 1,4 --scale S

For Neo4j it starts the dedicated bench server (bench/run.py `neo4j_server`), loads the synthetic
org of `--scale` into it once, then for each worker count starts `serve --workers N` against it,
checks that a write through one worker is visible in the next read through another, and runs
the load (16 clients on keep-alive connections, 20% writes). The embedded store serves from one
process only, so there `--workers` can only be 1 (the org is loaded into a temporary folder).
Writes bench/results/load-<store>-<scale>.json and .md. Every request goes to 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.load_test import READS, RESULTS, Figures, drive, free_port, serve
from bench.synthetic import SyntheticOrg

P99_TARGET_MS = 250.0
VISIBILITY_ROUNDS = 50
TRIES_FOR_ANOTHER_WORKER = 40


@dataclass
class Visibility:
    """Rounds of: a write on a new connection, then reads on new connections until one is answered
    by another worker than the write (at most `TRIES_FOR_ANOTHER_WORKER`)."""

    rounds: int = 0
    read_by_another_worker: int = 0
    saw_the_write: int = 0  # of those reads by another worker
    stale: int = 0  # reads (by any worker) that did not see the write just acknowledged


def check_visibility(url: str, key: str, tag: str, workers: int, rounds: int = VISIBILITY_ROUNDS) -> Visibility:
    seen = Visibility()
    tries = TRIES_FOR_ANOTHER_WORKER if workers > 1 else 1  # one worker: no other to wait for
    headers = {"Authorization": f"Bearer {key}", "Connection": "close"}  # a new connection each time

    def post(query: str) -> tuple[dict[str, Any], str]:
        response = httpx.post(f"{url}/graphql", json={"query": query}, headers=headers, timeout=30)
        response.raise_for_status()
        body: dict[str, Any] = response.json()
        if "errors" in body:
            raise RuntimeError(str(body["errors"])[:300])
        return body["data"], response.headers.get("x-attestgraph-worker", "?")

    for n in range(1, rounds + 1):
        asset = f"{tag}-{n}"
        _, writer = post(
            f'mutation {{ upsertAssets(assets: [{{id: "{asset}", kind: DATASET, name: "V {n}"}}]) {{ id }} }}'
        )
        seen.rounds += 1
        for _ in range(tries):
            data, reader = post(f'{{ asset(id: "{asset}") {{ id }} }}')
            visible = data["asset"] is not None
            seen.stale += not visible
            if reader != writer:
                seen.read_by_another_worker += 1
                seen.saw_the_write += visible
                break
    return seen


def warm_up(url: str, key: str, times: int) -> None:
    """Each read of the load asked `times` times on new connections (so most workers have parsed
    it and filled their memo once), untimed: the figures are of the steady state."""
    headers = {"Authorization": f"Bearer {key}", "Connection": "close"}
    for query in READS:
        for _ in range(times):
            httpx.post(f"{url}/graphql", json={"query": query}, headers=headers, timeout=120).raise_for_status()


def run(
    store: str,
    worker_counts: list[int],
    scale: str,
    clients: int,
    duration: float,
    write_ratio: float,
    port: int | None = None,
) -> dict[str, Any]:
    from bench.run import load, neo4j_server, open_store

    load_before = [round(x, 2) for x in os.getloadavg()]
    result: dict[str, Any] = {
        "store": store,
        "scale": scale,
        "clients": clients,
        "duration_s": duration,
        "write_ratio": write_ratio,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_average_before": load_before},
        "runs": [],
    }
    with tempfile.TemporaryDirectory() as folder:
        if store == "neo4j":
            with neo4j_server(scale, port or free_port()) as server:
                from bench.run import NEO4J_PASSWORD

                loaded = open_store("neo4j", Path(folder), server["uri"])
                result["load"] = load(loaded, SyntheticOrg(scale, 7), 50_000, None)
                loaded.close()
                env = {
                    "ATTESTGRAPH_STORE": "neo4j",
                    "NEO4J_URI": server["uri"],
                    "NEO4J_USER": "neo4j",
                    "NEO4J_PASSWORD": NEO4J_PASSWORD,
                }
                for workers in worker_counts:
                    result["runs"].append(_one(env, [], workers, clients, duration, write_ratio))
        else:
            loaded = open_store("embedded", Path(folder), None)
            result["load"] = load(loaded, SyntheticOrg(scale, 7), 50_000, None)
            loaded.close()
            env = {"ATTESTGRAPH_STORE": "embedded"}
            for workers in worker_counts:
                result["runs"].append(_one(env, ["--data-dir", folder], workers, clients, duration, write_ratio))
    result["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return result


def _one(
    env: dict[str, str], args: list[str], workers: int, clients: int, duration: float, write_ratio: float
) -> dict[str, Any]:
    tag = f"w{workers}-{int(time.time())}"
    print(f"[load] {workers} worker(s) ...", flush=True)
    with serve(env, [*args, "--workers", str(workers)]) as (url, key):
        visibility = check_visibility(url, key, f"{tag}-seen", workers)
        warm_up(url, key, 2 * workers)
        figures: Figures = drive(url, key, clients, duration, write_ratio, seed=7, tag=tag)
    run = {"workers": workers, "load_average": [round(x, 2) for x in os.getloadavg()], **asdict(figures)}
    run["p99_under_250ms"] = figures.p99_ms <= P99_TARGET_MS
    run["visibility"] = asdict(visibility)
    print(f"[load] {workers} worker(s): {figures.throughput_rps} req/s, p99 {figures.p99_ms} ms", flush=True)
    return run


def markdown(result: dict[str, Any]) -> str:
    machine = result["machine"]
    lines = [
        f"# Load test: {result['store']} at {result['scale']}, {result['clients']} clients, "
        f"{round(result['write_ratio'] * 100)}% writes, {result['duration_s']:g} s per run",
        "",
        f"{result['started']}; {machine['cpus']} CPUs, Python {machine['python']}; load average before "
        f"{machine['load_average_before']}, after {machine['load_average_after']} (the machine is shared).",
        f"Org loaded in {result['load']['seconds']} s ({result['load']['nodes']:,} nodes, "
        f"{result['load']['edges']:,} relationships).",
        "",
        "| workers | req/s | p50 ms | p99 ms | p99 ≤ 250 ms | errors | answers per worker | load avg | "
        "write → read by another worker |",
        "|---:|---:|---:|---:|:---:|---:|---|---|---|",
    ]
    for run in result["runs"]:
        seen = run["visibility"]
        crossed = (
            f"{seen['saw_the_write']}/{seen['read_by_another_worker']} saw it"
            if seen["read_by_another_worker"]
            else "one worker: n/a"
        )
        per_worker = ", ".join(str(n) for n in sorted(run["answers_per_worker"].values(), reverse=True))
        lines.append(
            f"| {run['workers']} | {run['throughput_rps']} | {run['p50_ms']} | {run['p99_ms']} | "
            f"{'yes' if run['p99_under_250ms'] else 'no'} | {run['errors']} | {per_worker} | "
            f"{run['load_average'][0]} | {crossed}; stale reads {seen['stale']} of {seen['rounds']} rounds |"
        )
    kinds = sorted({kind for run in result["runs"] for kind in run["by_kind"]})
    lines += [
        "",
        "p50 / p99 ms by request kind (a read by its root field):",
        "",
        "| workers | " + " | ".join(kinds) + " |",
        "|---:|" + "---:|" * len(kinds),
    ]
    for run in result["runs"]:
        cells = [
            f"{run['by_kind'][k]['p50_ms']} / {run['by_kind'][k]['p99_ms']}" if k in run["by_kind"] else ""
            for k in kinds
        ]
        lines.append(f"| {run['workers']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write(result: dict[str, Any], out_dir: Path = RESULTS) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    name = f"load-{result['store']}-{result['scale']}"
    (out_dir / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    path = out_dir / f"{name}.md"
    path.write_text(markdown(result), encoding="utf-8")
    return path
