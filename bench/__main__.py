"""`python -m bench run --scales S,M [--stores embedded,neo4j]`, `python -m bench load --workers 1,4`:
see bench/README.md."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench.run import RESULTS, run, run_one
from bench.synthetic import SCALES


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Attestgraph performance benchmark")
    commands = parser.add_subparsers(dest="command", required=True)
    full = commands.add_parser("run", help="every scale on every store; writes bench/results/<name>.json and .md")
    full.add_argument("--scales", default="S,M", help="comma-separated: XS, S, M, L (default S,M)")
    full.add_argument("--stores", default="embedded", help="comma-separated: embedded, neo4j (default embedded)")
    full.add_argument("--seed", type=int, default=7)
    full.add_argument("--repeat", type=int, default=30, help="timed calls per question (after one cold call)")
    full.add_argument("--budget", type=float, default=20.0, help="seconds per question before stopping early")
    full.add_argument("--neo4j-port", type=int, default=7690, help="Bolt port of the dedicated Neo4j server")
    full.add_argument("--out", type=Path, default=RESULTS)
    full.add_argument("--name", default="bench", help="file name of the results (default bench)")
    full.add_argument("--load-only", action="store_true", help="time the load only, no questions")
    full.add_argument(
        "--bulk", action="store_true", help="Neo4j: load by bulk import (neo4j-admin database import) instead of Bolt"
    )
    one = commands.add_parser("one", help="one scale on one store (what `run` starts per pair)")
    one.add_argument("--scale", required=True, choices=sorted(SCALES))
    one.add_argument("--store", required=True, choices=["embedded", "neo4j"])
    one.add_argument("--seed", type=int, default=7)
    one.add_argument("--repeat", type=int, default=30)
    one.add_argument("--budget", type=float, default=20.0)
    one.add_argument("--neo4j-uri")
    one.add_argument("--json", type=Path, required=True)
    one.add_argument("--load-only", action="store_true")
    one.add_argument("--bulk-home", type=Path, help="load by bulk import into the stopped server of this data dir")
    served = commands.add_parser(
        "load", help="the load test against `serve --workers N` for each N (bench/load_workers.py)"
    )
    served.add_argument("--store", default="neo4j", choices=["embedded", "neo4j"])
    served.add_argument("--workers", default="1,4", help="comma-separated worker counts (default 1,4)")
    served.add_argument("--scale", default="S", choices=sorted(SCALES))
    served.add_argument("--clients", type=int, default=16)
    served.add_argument("--duration", type=float, default=20.0, help="seconds per worker count")
    served.add_argument("--write-ratio", type=float, default=0.2)
    served.add_argument("--neo4j-port", type=int, help="Bolt port of the dedicated Neo4j server (default: a free one)")
    served.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.command == "load":
        _load(parser, args)
        return
    if args.command == "run":
        scales = [s.strip() for s in args.scales.split(",") if s.strip()]
        stores = [s.strip() for s in args.stores.split(",") if s.strip()]
        unknown = [s for s in scales if s not in SCALES] + [s for s in stores if s not in ("embedded", "neo4j")]
        if unknown:
            parser.error(f"unknown scale or store: {', '.join(unknown)}")
        if args.bulk and stores != ["neo4j"]:
            parser.error("--bulk: the bulk import is a Neo4j load; use --stores neo4j")
        run(
            scales, stores, args.seed, args.repeat, args.budget, args.neo4j_port, args.out, args.name, args.load_only,
            args.bulk,
        )  # fmt: skip
    else:
        result = run_one(
            args.scale, args.store, args.seed, args.repeat, args.budget, args.neo4j_uri, args.load_only, args.bulk_home
        )
        args.json.write_text(json.dumps(result, default=str))


def _load(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    from bench import load_workers

    try:
        counts = [int(n) for n in args.workers.split(",") if n.strip()]
    except ValueError:
        parser.error(f"--workers: comma-separated whole numbers, not '{args.workers}'")
    if not counts or min(counts) < 1:
        parser.error("--workers: each count must be 1 or more")
    if args.store == "embedded" and max(counts) > 1:
        parser.error("--workers: the embedded store is served by one process; use --store neo4j for more")
    result = load_workers.run(
        args.store, counts, args.scale, args.clients, args.duration, args.write_ratio, args.neo4j_port
    )
    print(load_workers.markdown(result))
    print(f"written: {load_workers.write(result, args.out)}")


if __name__ == "__main__":
    main()
