"""`python -m bench` runs end to end at a tiny scale on the embedded store (figures are reported,
never asserted on): the load, every question, the GraphQL request over real HTTP, the lower
bounds agreeing with the store, and both result files."""

from __future__ import annotations

import json
from pathlib import Path

from bench.__main__ import main


def test_bench_runs_at_a_tiny_scale(tmp_path: Path) -> None:
    main(["run", "--scales", "XS", "--stores", "embedded", "--repeat", "3", "--budget", "1", "--out", str(tmp_path)])
    report = json.loads((tmp_path / "bench.json").read_text())
    [run] = report["runs"]
    assert run["load"]["nodes"] > 0 and run["memory"]["rss_loaded_mb"] > 0
    asked = {"coverage_soc2", "coverage_soc2_after_write", "blast_radius_hub", "impact_hub", "dashboard_graphql"}
    asked |= {"record_evidence", "record_change_hub"}
    assert asked <= set(run["queries"])
    assert not [name for name, figures in run["queries"].items() if "error" in figures]
    assert all(bound["agrees"] for name, bound in run["baselines"].items() if name != "prepare_s")
    assert "| question |" in (tmp_path / "bench.md").read_text()
