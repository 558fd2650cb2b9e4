"""The suite under pytest-xdist (scripts/test.sh runs it with -n): what keeps workers apart."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from tests.conftest import SLOWEST_FIRST
from tests.stores.neo4j_launcher import REPO, TEST_HEAP, LocalNeo4j


def test_the_modules_scheduled_first_exist() -> None:
    """A renamed slow module would silently fall back to the end of the run."""
    assert [path for path in SLOWEST_FIRST if not (REPO / path).is_file()] == []


def test_several_workers_against_one_neo4j_uri_are_refused_before_any_test_runs() -> None:
    env = {**os.environ, "NEO4J_URI": "bolt://127.0.0.1:9"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "2", "tests/test_docs.py"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 4, done.stdout + done.stderr  # pytest's usage error: nothing ran
    assert "NEO4J_URI is set and pytest was asked for 2 xdist workers" in done.stderr
    assert "Run without -n" in done.stderr


def test_a_launched_neo4j_whose_port_was_taken_meanwhile_starts_on_another_with_the_small_heap(
    tmp_path: Path,
) -> None:
    local = LocalNeo4j(tmp_path / "neo4j")
    with socket.socket() as squatter:  # what another worker's server does to a port free a moment ago
        squatter.bind(("127.0.0.1", local.port))
        squatter.listen()
        taken = local.port
        try:
            local.start()
            assert local.port != taken
            assert local.listening()
            command = Path(f"/proc/{local.pid()}/cmdline").read_bytes().split(b"\0")
            if "NEO4J_HEAP" not in os.environ:
                assert f"-Xmx{TEST_HEAP}".encode() in command
        finally:
            local.stop()
