"""`attestgraph exceptions ENGAGEMENT [--open] [--overdue]`: JSON rows of the demo's exception."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from graph.seeds import SEEDS_DIR
from service.cli import app

runner = CliRunner()


def test_exceptions_prints_json_rows_filtered_by_open_and_overdue(tmp_path: Path) -> None:
    data = ["--data-dir", str(tmp_path / "data")]
    loaded = runner.invoke(app, ["load", str(SEEDS_DIR), "--rebase-demo", *data])
    assert loaded.exit_code == 0, loaded.output

    listed = runner.invoke(app, ["exceptions", "soc2-type2-model-serving", *data])
    assert listed.exit_code == 0, listed.output
    (row,) = [json.loads(line) for line in listed.output.splitlines()]
    assert row["id"] == "exc-demo-agc-chg-02" and row["control"] == "AGC-CHG-02"
    assert row["open"] is True and row["overdue"] is False
    assert (row["status"], row["owner"]) == ("open", "Head of platform engineering")

    opened = runner.invoke(app, ["exceptions", "soc2-type2-model-serving", "--open", *data])
    assert [json.loads(line)["id"] for line in opened.output.splitlines()] == ["exc-demo-agc-chg-02"]
    overdue = runner.invoke(app, ["exceptions", "soc2-type2-model-serving", "--overdue", *data])
    assert overdue.exit_code == 0 and overdue.output == ""

    unknown = runner.invoke(app, ["exceptions", "nope", *data])
    assert unknown.exit_code != 0 and "ENGAGEMENT" in unknown.output and "nope" in unknown.output
