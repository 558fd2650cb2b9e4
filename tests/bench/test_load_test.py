"""The load test runs briefly and sees no error (its figures are reported, never asserted on)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.__main__ import main
from bench.load_test import run


def test_a_short_load_run_has_no_error() -> None:
    figures = run(clients=6, duration=3.0, write_ratio=0.25)
    assert figures.requests > 0 and figures.reads > 0 and figures.writes > 0
    assert figures.errors == 0, figures.error_samples


def test_the_workers_load_case_runs_and_checks_cross_worker_reads(tmp_path: Path) -> None:
    """`python -m bench load` end to end at XS (embedded, the one process it allows): both result
    files, every write seen by the read after it; with one worker no read comes from another."""
    main(["load", "--store", "embedded", "--workers", "1", "--scale", "XS", "--duration", "2", "--out", str(tmp_path)])
    result = json.loads((tmp_path / "load-embedded-XS.json").read_text())
    [run] = result["runs"]
    assert run["workers"] == 1 and run["requests"] > 0 and run["errors"] == 0, run["error_samples"]
    assert len(run["answers_per_worker"]) == 1
    seen = run["visibility"]
    assert seen["rounds"] > 0 and seen["stale"] == 0 and seen["read_by_another_worker"] == 0
    assert "| workers | req/s |" in (tmp_path / "load-embedded-XS.md").read_text()


def test_the_workers_load_case_refuses_several_embedded_workers(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as refused:
        main(["load", "--store", "embedded", "--workers", "1,2"])
    assert refused.value.code == 2
    assert "--workers" in capsys.readouterr().err
