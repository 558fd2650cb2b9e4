"""One writer per embedded data dir: a second `serve`, or a writing CLI command while a server
runs on the dir, fails at once naming the holder; reading commands still run (issue 11, item 2)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from service.cli import app
from tests.service.conftest import free_port
from tests.service.test_durability import ADMIN_KEY, server

runner = CliRunner()

BUNDLE = "controls:\n  - {id: k, title: K}\nassets:\n  - {id: a, kind: model, name: A}\n"


def in_use(data_dir: Path, pid: int) -> str:
    return f"data dir {data_dir} is in use by process {pid}; stop it or use the API"


def test_a_second_serve_on_a_served_data_dir_exits_at_once_naming_the_first(tmp_path: Path) -> None:
    with server(tmp_path) as (first, _url):
        second = subprocess.run(
            [sys.executable, "-m", "service", "serve", "--data-dir", str(tmp_path), "--port", str(free_port())],
            capture_output=True,
            text=True,
            timeout=60,  # it must exit by itself; a server that kept running would hit this
            env={**os.environ, "ATTESTGRAPH_STORE": "embedded", "ATTESTGRAPH_BOOTSTRAP_ADMIN_KEY": ADMIN_KEY},
        )
        assert second.returncode != 0
        assert in_use(tmp_path, first.pid) in second.stderr
        assert "Traceback" not in second.stderr
        assert first.poll() is None  # the first one serves on


def test_writing_commands_are_refused_while_a_server_holds_the_data_dir_and_readers_run(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.yaml"
    bundle.write_text(BUNDLE)
    data = tmp_path / "data"
    with server(data) as (process, _url):
        for command in (
            ["load", str(bundle)],
            ["load", "--each-file", str(bundle)],
            ["import", str(bundle)],
            ["keys", "create", "--role", "viewer", "--name", "x"],
            ["keys", "revoke", "0" * 16],
        ):
            result = runner.invoke(app, [*command, "--data-dir", str(data)])
            assert result.exit_code != 0, command
            assert in_use(data, process.pid) in result.output, (command, result.output)
        # Reading takes no lock: a consistent WAL snapshot while the server writes.
        assert runner.invoke(app, ["keys", "list", "--data-dir", str(data)]).exit_code == 0
        assert runner.invoke(app, ["audit", "verify", "--data-dir", str(data)]).exit_code == 0
        assert runner.invoke(app, ["export", str(tmp_path / "out.json"), "--data-dir", str(data)]).exit_code == 0
    # Once the server has gone, the same load goes through (the OS dropped its lock).
    result = runner.invoke(app, ["load", str(bundle), "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
