"""`attestgraph sample` on the demo: the recorded sample again for its seed, a new one stamped
`cli:<user>` and audited, refusals naming the field with their exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from graph.seeds import SEEDS_DIR
from service.cli import app

runner = CliRunner()
DEMO = "soc2-type2-model-serving"


def test_sample_command(tmp_path: Path) -> None:
    data = ["--data-dir", str(tmp_path)]
    assert runner.invoke(app, ["load", str(SEEDS_DIR), *data]).exit_code == 0

    again = runner.invoke(app, ["sample", DEMO, "AGC-CHG-02", "--seed", "fieldwork-2026-11", *data])
    assert again.exit_code == 0, again.output
    recorded = json.loads(again.stdout)
    assert (recorded["id"], recorded["drawn_by"]) == ("smp-demo-agc-chg-02", "auditor:demo-cpa")
    assert recorded["items"] == ["EV-CHG-02-2026-06-10", "EV-CHG-02-2026-10-10"]

    drawn = runner.invoke(app, ["sample", DEMO, "AGC-LC-05", "--seed", "s1", *data])
    assert drawn.exit_code == 0, drawn.output
    new = json.loads(drawn.stdout)
    assert new["drawn_by"].startswith("cli:") and new["size"] == 2 and new["population_size"] == 11

    other = runner.invoke(app, ["sample", DEMO, "AGC-CHG-02", "--seed", "other", *data])
    assert other.exit_code == 1 and other.stderr.startswith("error: seed: ")
    empty = runner.invoke(app, ["sample", DEMO, "AGC-CHG-02", "--seed", "", *data])
    assert empty.exit_code == 2 and empty.stderr.startswith("error: seed: ")
    missing = runner.invoke(app, ["sample", "nope", "AGC-CHG-02", "--seed", "s", *data])
    assert missing.exit_code == 1 and missing.stderr.startswith("error: engagement: ")

    log = tmp_path / "audit.jsonl"
    assert runner.invoke(app, ["audit", "export", str(log), *data]).exit_code == 0
    operations = [json.loads(line)["operation"] for line in log.read_text().splitlines()]
    assert operations.count("cli:sample") == 1  # the one write (the new draw) is in the log with its write
