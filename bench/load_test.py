"""A bounded load test on loopback: many clients, mixed reads and writes, a fixed duration.

    .venv/bin/python -m bench.load_test --clients 16 --duration 10

Starts `attestgraph serve --demo` on the embedded store in a temporary folder (an operator-
supplied admin key; the per-key rate limit off, since this measures the service, not the
limiter), runs the clients, stops the server, and writes its figures (throughput, latency
percentiles, errors) to bench/results/load-<store>.json. Every request goes to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from graph.access.keys import Role, new_key

RESULTS = Path(__file__).resolve().parent / "results"

READS = [
    "{ assets(first: 50) { totalCount edges { node { id name kind } } } }",
    "{ controls(first: 50, status: IMPLEMENTED) { edges { node { id title frequency } } } }",
    '{ coverage(framework: "soc2-tsc-2017") { totals { total covered partial uncovered } } }',
    "{ missingEvidence { totalCount } }",
    "{ frameworks { edges { node { id name } } } }",
]


@dataclass
class Figures:
    clients: int
    duration_s: float
    requests: int = 0
    reads: int = 0
    writes: int = 0
    errors: int = 0
    throughput_rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    error_samples: list[str] = field(default_factory=list)
    answers_per_worker: dict[str, int] = field(default_factory=dict)  # pid -> answers (X-Attestgraph-Worker)
    by_kind: dict[str, dict[str, float]] = field(default_factory=dict)  # "write" or a read's root field -> n, p50, p99


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def run(clients: int = 16, duration: float = 10.0, write_ratio: float = 0.2, seed: int = 7) -> Figures:
    """The embedded store in a temporary folder, `serve --demo`, one process."""
    with (
        tempfile.TemporaryDirectory() as data_dir,
        serve({"ATTESTGRAPH_STORE": "embedded"}, ["--demo", "--data-dir", data_dir]) as (url, key),
    ):
        return drive(url, key, clients, duration, write_ratio, seed)


@contextmanager
def serve(env: dict[str, str], args: list[str]) -> Iterator[tuple[str, str]]:
    """`attestgraph serve` with `args` and `env` on a free loopback port, with an operator-supplied
    admin key, the rate limit off (this measures the service, not the limiter) and each answer
    naming its worker; yields (url, key) once ready, stops it (SIGTERM) afterwards."""
    key = new_key(Role.ADMIN, "load test")[1]
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        **env,
        "ATTESTGRAPH_BOOTSTRAP_ADMIN_KEY": key,
        "ATTESTGRAPH_RATE_LIMIT": "0",
        "ATTESTGRAPH_WORKER_HEADER": "true",
    }
    command = [sys.executable, "-m", "service", "serve", "--port", str(port), *args]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_ready(url, server)
        yield url, key
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def _wait_ready(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 300  # a busy machine, several workers
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server exited before it was ready")
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the server was not ready within 300 s")


def drive(
    url: str, key: str, clients: int, duration: float, write_ratio: float, seed: int, tag: str = "load"
) -> Figures:
    """`clients` threads, each on its own keep-alive connection, for `duration` seconds; writes
    upsert new assets `<tag>-<client>-<n>` (a new tag per run on one database keeps them new)."""
    figures = Figures(clients=clients, duration_s=duration)
    latencies: list[float] = []
    kinds: dict[str, list[float]] = {}
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def client(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        local: list[float] = []
        local_kinds: dict[str, list[float]] = {}
        reads = writes = errors = 0
        samples: list[str] = []
        answered: dict[str, int] = {}
        with httpx.Client(timeout=30, headers={"Authorization": f"Bearer {key}"}) as http:
            n = 0
            while time.monotonic() < stop_at:
                if rng.random() < write_ratio:
                    n += 1
                    query = (
                        f'mutation {{ upsertAssets(assets: [{{id: "{tag}-{index}-{n}", kind: DATASET, '
                        f'name: "Load {index} {n}"}}]) {{ id }} }}'
                    )
                    writes += 1
                    kind = "write"
                else:
                    query = rng.choice(READS)
                    reads += 1
                    kind = query.strip("{ ").split("(")[0].split(" ")[0]
                started = time.perf_counter()
                try:
                    response = http.post(f"{url}/graphql", json={"query": query})
                    worker = response.headers.get("x-attestgraph-worker", "?")
                    answered[worker] = answered.get(worker, 0) + 1
                    ok = response.status_code == 200 and "errors" not in response.json()
                    detail = response.text[:200]
                except (httpx.HTTPError, ValueError) as error:
                    ok, detail = False, repr(error)
                local.append(time.perf_counter() - started)
                local_kinds.setdefault(kind, []).append(local[-1])
                if not ok:
                    errors += 1
                    if len(samples) < 3:
                        samples.append(detail)
        with lock:
            latencies.extend(local)
            for kind, taken in local_kinds.items():
                kinds.setdefault(kind, []).extend(taken)
            figures.reads += reads
            figures.writes += writes
            figures.errors += errors
            figures.error_samples.extend(samples[: max(0, 5 - len(figures.error_samples))])
            for worker, count in answered.items():
                figures.answers_per_worker[worker] = figures.answers_per_worker.get(worker, 0) + count

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    figures.requests = len(latencies)
    figures.throughput_rps = round(figures.requests / elapsed, 1)
    for kind, taken in sorted(kinds.items()):
        ordered = sorted(taken)
        figures.by_kind[kind] = {
            "n": len(ordered),
            "p50_ms": round(statistics.median(ordered) * 1000, 1),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1),
        }
    if latencies:
        ordered = sorted(latencies)
        figures.p50_ms = round(statistics.median(ordered) * 1000, 1)
        figures.p99_ms = round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1)
        figures.max_ms = round(ordered[-1] * 1000, 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--write-ratio", type=float, default=0.2)
    parser.add_argument("--output", type=Path, default=RESULTS / "load-embedded.json")
    args = parser.parse_args()
    figures = run(args.clients, args.duration, args.write_ratio)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(asdict(figures), indent=2) + "\n", encoding="utf-8")
    print(json.dumps(asdict(figures), indent=2))
    if figures.errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
