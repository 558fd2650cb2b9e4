"""Ratios, targets and the Markdown tables of a benchmark report."""

from __future__ import annotations

from typing import Any

QUERIES = [
    ("coverage_soc2", "coverage (SOC 2)"),
    ("coverage_iso42001", "coverage (ISO/IEC 42001, via crosswalk)"),
    ("coverage_soc2_new_instant", "coverage (SOC 2), a new instant each call"),
    ("coverage_soc2_after_write", "coverage (SOC 2), first call after a write"),
    ("blast_radius_leaf", "blastRadius (leaf dataset)"),
    ("blast_radius_hub", "blastRadius (infrastructure hub)"),
    ("missing_evidence", "missingEvidence (all controls)"),
    ("missing_evidence_soc2", "missingEvidence (SOC 2)"),
    ("evidence_gaps_12m", "evidenceGaps (12 months)"),
    ("crosswalk_soc2_iso42001", "crosswalk (SOC 2 → ISO/IEC 42001)"),
    ("impact_hub", "impact of a change of the hub (what-if)"),
    ("dashboard_graphql", "dashboard request (GraphQL over HTTP)"),
    ("dashboard_direct", "the direct call it wraps"),
    ("dashboard_graphql_new_instant", "dashboard request, a new instant each call"),
    ("dashboard_direct_new_instant", "the direct call it wraps, a new instant each call"),
    ("record_evidence", "recordEvidence (one item, the write alone)"),
    ("record_change_hub", "recordChange of the hub with propagation"),
]


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return round(a / b, 2)


def _p50(run: dict[str, Any], name: str) -> float | None:
    figures = run.get("queries", {}).get(name)
    return figures.get("p50_ms") if figures else None


def ratios_and_targets(runs: list[dict[str, Any]]) -> dict[str, Any]:
    by = {(r["scale"], r["store"]): r for r in runs}
    ratios: list[dict[str, Any]] = []
    for run in runs:
        scale, store = run["scale"], run["store"]
        ratios.append(
            {
                "scale": scale,
                "what": f"GraphQL dashboard request / direct call ({store})",
                "ratio": _ratio(_p50(run, "dashboard_graphql"), _p50(run, "dashboard_direct")),
            }
        )
        ratios.append(
            {
                "scale": scale,
                "what": f"GraphQL dashboard request / direct call, a new instant each call ({store})",
                "ratio": _ratio(_p50(run, "dashboard_graphql_new_instant"), _p50(run, "dashboard_direct_new_instant")),
            }
        )
        for name, bound in run.get("baselines", {}).items():
            if name in run["queries"]:
                ratios.append(
                    {
                        "scale": scale,
                        "what": f"{name} embedded / NumPy-scipy lower bound",
                        "ratio": _ratio(_p50(run, name), bound["p50_ms"]),
                        "agrees": bound["agrees"],
                    }
                )
        embedded = by.get((scale, "embedded"))
        if store == "neo4j" and embedded is not None:
            for name, _ in QUERIES:
                ratios.append(
                    {
                        "scale": scale,
                        "what": f"{name} Neo4j / embedded",
                        "ratio": _ratio(_p50(run, name), _p50(embedded, name)),
                    }
                )
    targets: list[dict[str, Any]] = []

    def target(what: str, figure: float | None, limit: float, unit: str) -> None:
        targets.append(
            {
                "target": what,
                "figure": figure,
                "limit": limit,
                "unit": unit,
                "met": figure is not None and figure <= limit,
            }
        )

    m_embedded, m_neo4j = by.get(("M", "embedded")), by.get(("M", "neo4j"))
    if m_embedded:
        target("M embedded: blastRadius (leaf dataset) p50", _p50(m_embedded, "blast_radius_leaf"), 10, "ms")
        target("M embedded: blastRadius (hub) p50", _p50(m_embedded, "blast_radius_hub"), 10, "ms")
        target("M embedded: coverage (SOC 2) p50", _p50(m_embedded, "coverage_soc2"), 100, "ms")
        target(
            "M embedded: coverage (SOC 2) p50, a new instant each call",
            _p50(m_embedded, "coverage_soc2_new_instant"),
            100,
            "ms",
        )
        target("M embedded: missingEvidence p50", _p50(m_embedded, "missing_evidence"), 300, "ms")
        target("M embedded: dashboard request p50", _p50(m_embedded, "dashboard_graphql"), 150, "ms")
    if m_embedded and m_neo4j:
        for name, label in QUERIES:
            target(
                f"M Neo4j within 3× embedded: {label}",
                _ratio(_p50(m_neo4j, name), _p50(m_embedded, name)),
                3,
                "×",
            )
    for run in runs:
        if run["scale"] == "L" and run["load"].get("path") == "bulk":  # issue 15: the bulk path, into an empty database
            target(f"L {run['store']}: bulk load", run["load"]["seconds"], 120, "s")
        elif run["scale"] == "L":
            target(f"L {run['store']}: load", run["load"]["seconds"], 180, "s")
    for row in ratios:
        if row["what"].startswith("GraphQL"):
            target(f"{row['scale']} {row['what']}", row["ratio"], 1.5, "×")
        if row["what"].startswith("blast_radius") and "lower bound" in row["what"]:
            target(f"{row['scale']} {row['what']}", row["ratio"], 5, "×")
    return {"ratios": ratios, "targets": targets}


def _cell(figures: dict[str, Any] | None) -> str:
    if not figures:
        return "–"
    if "error" in figures:
        return "error"
    return f"{figures['p50_ms']:.1f} / {figures['p95_ms']:.1f}"


def _bulk_phases(runs: list[dict[str, Any]]) -> list[str]:
    """Where a bulk load's time went (bench/bulk.py): parse, check, CSV, import, start, schema."""
    bulk = [r for r in runs if "phases_s" in r["load"]]
    if not bulk:
        return []
    phases = list(bulk[0]["load"]["phases_s"])
    lines = ["", "### Bulk load phases (s)", "", "| scale | parse | " + " | ".join(phases) + " | total |"]
    lines.append("|---|" + "---:|" * (len(phases) + 2))
    for r in bulk:
        ld = r["load"]
        cells = [str(ld["validate_s"]), *(str(ld["phases_s"].get(p, "–")) for p in phases), str(ld["seconds"])]
        lines.append(f"| {r['scale']} | " + " | ".join(cells) + " |")
    return lines


def markdown(report: dict[str, Any]) -> str:
    runs = report["runs"]
    machine = report["machine"]
    lines = [
        f"Run {report['date']}: `{report['command']}` on {machine['cores']} cores, {machine['memory_gib']} GiB, "
        f"Python {machine['python']}; load average before {machine['load_average_before']}, "
        f"after {machine['load_average_after']}.",
        "",
        "### Load and memory",
        "",
        "| scale | store | assets | evidence | nodes + rels | load (s) | rows/s | RSS after load (MB) "
        "| peak RSS, lower bounds included (MB) "
        "| store on disk (MB) | Neo4j RSS (MB) | Neo4j heap / page cache |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in runs:
        m, ld, shape = r["memory"], r["load"], r["shape"]
        disk = m.get("neo4j_store_mb", m.get("sqlite_mb", "–"))
        neo = f"{m['neo4j_heap']} / {m['neo4j_pagecache']}" if "neo4j_heap" in m else "–"
        lines.append(
            f"| {r['scale']} | {r['store']} | {sum(shape['assets_by_kind'].values()):,} | {shape['evidence']:,} "
            f"| {ld['nodes'] + ld['edges']:,} | {ld['seconds']} | {ld['rows_per_s']:,} | {m['rss_loaded_mb']:,} "
            f"| {m.get('rss_peak_mb', '–')} | {disk} | {m.get('neo4j_rss_mb', '–')} | {neo} |"
        )
    lines += _bulk_phases(runs)
    lines += [
        "",
        "### Latency, p50 / p95 (ms)",
        "",
        "| question | " + " | ".join(f"{r['scale']} {r['store']}" for r in runs) + " |",
        "|---|" + "---:|" * len(runs),
    ]
    for name, label in QUERIES:
        lines.append(f"| {label} | " + " | ".join(_cell(r["queries"].get(name)) for r in runs) + " |")
    baseline_runs = [r for r in runs if "baselines" in r]
    if baseline_runs:
        lines += [
            "",
            "### Lower bounds (NumPy / scipy over prepared arrays, same process), p50 (ms)",
            "",
            "| question | "
            + " | ".join(f"{r['scale']} bound | {r['scale']} store ÷ bound" for r in baseline_runs)
            + " |",
            "|---|" + "---:|---:|" * len(baseline_runs),
        ]
        names = [n for n in baseline_runs[0]["baselines"] if n != "prepare_s"]
        for name in names:
            cells = []
            for r in baseline_runs:
                bound = r["baselines"][name]
                mine = _p50(r, name)
                agree = "" if bound["agrees"] else " (differs!)"
                cells.append(f"{bound['p50_ms']:.2f}{agree} | {_ratio(mine, bound['p50_ms']) or '–'}")
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "### Ratios", "", "| scale | ratio | value |", "|---|---|---:|"]
    for row in report["ratios"]:
        if "lower bound" in row["what"]:
            continue
        lines.append(f"| {row['scale']} | {row['what']} | {row['ratio']} |")
    for failure in report.get("failed", []):
        lines += ["", f"**{failure['scale']} on {failure['store']} did not complete**: {failure['error'][:300]}"]
    lines += ["", "### Targets", "", "| target | figure | limit | met |", "|---|---:|---:|---|"]
    for t in report["targets"]:
        met = "yes" if t["met"] else "**no**"
        lines.append(f"| {t['target']} | {t['figure']} {t['unit']} | {t['limit']} {t['unit']} | {met} |")
    return "\n".join(lines) + "\n"
