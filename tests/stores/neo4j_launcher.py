"""Where the tests get a real Neo4j: NEO4J_URI, else testcontainers (Docker), else the local
launcher in tools/neo4j (Neo4j Community from Maven Central jars, Java 17+)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
LAUNCHER = REPO / "tools" / "neo4j"
DEFAULT_PASSWORD = "attestgraph-dev"
# A build of the launcher may first download ~125 MB of jars; the start itself takes ~10 s.
START_TIMEOUT = int(os.environ.get("NEO4J_TEST_START_TIMEOUT", "1200"))
# Test servers hold small graphs; with pytest -n 2 one runs per worker (plus the private ones of
# the crash and outage tests), so each gets less than tools/neo4j's 1g default. NEO4J_HEAP and
# NEO4J_PAGECACHE in the environment win.
TEST_HEAP = "512m"
SERVER_READY_TIMEOUT = 600
TEST_PAGECACHE = "128m"
# A free port is only free until someone binds it: another xdist worker's server may take it
# between free_port() and the JVM's bind. Then the start is tried again on a new port.
PORT_ATTEMPTS = 3
PORT_TAKEN_SIGNS = ("already in use", "BindException")


@dataclass(frozen=True)
class Neo4jServer:
    uri: str
    user: str
    password: str
    database: str | None
    origin: str  # "NEO4J_URI", "testcontainers" or "launcher <data dir>"


class ServerUnavailable(Exception):
    """No Neo4j could be had; the message says what was tried and how to fix it."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class LocalNeo4j:
    """One server of tools/neo4j on its own data dir and port, started and stopped by the tests."""

    def __init__(self, data_dir: Path, port: int | None = None, password: str = DEFAULT_PASSWORD) -> None:
        self.data_dir = data_dir
        self.fixed_port = port is not None
        self.port = port or free_port()
        self.password = password

    @property
    def server(self) -> Neo4jServer:
        return Neo4jServer(f"bolt://127.0.0.1:{self.port}", "neo4j", self.password, None, f"launcher {self.data_dir}")

    def _env(self) -> dict[str, str]:
        return {
            **os.environ,
            "NEO4J_BOLT_PORT": str(self.port),
            "NEO4J_BOLT_HOST": "127.0.0.1",
            "NEO4J_PASSWORD": self.password,
            "NEO4J_HEAP": os.environ.get("NEO4J_HEAP", TEST_HEAP),
            "NEO4J_PAGECACHE": os.environ.get("NEO4J_PAGECACHE", TEST_PAGECACHE),
            # How long start.sh waits for Bolt: a JVM starting (or recovering after a kill) beside
            # other workers on a busy machine can take minutes; this bounds a wait, not a speed.
            "NEO4J_START_TIMEOUT": os.environ.get("NEO4J_START_TIMEOUT", str(SERVER_READY_TIMEOUT)),
        }

    def start(self) -> None:
        """Start the server (building tools/neo4j first if needed: start.sh builds under a file
        lock, so parallel workers fetch the jars once); a port taken meanwhile is replaced by a
        fresh one unless the caller chose it."""
        for attempt in range(1, PORT_ATTEMPTS + 1):
            try:
                self._start_once()
                return
            except ServerUnavailable as error:
                taken = any(sign in str(error) for sign in PORT_TAKEN_SIGNS)
                if self.fixed_port or not taken or attempt == PORT_ATTEMPTS:
                    raise
                self.stop()
                self.port = free_port()

    def _start_once(self) -> None:
        script = LAUNCHER / "start.sh"
        if not script.exists():
            raise ServerUnavailable(f"{script} does not exist; cannot start a local Neo4j")
        try:
            done = subprocess.run(
                ["bash", str(script), str(self.data_dir)],
                env=self._env(),
                capture_output=True,
                text=True,
                timeout=START_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise ServerUnavailable(f"{script} did not finish within {START_TIMEOUT}s") from error
        if done.returncode != 0:
            raise ServerUnavailable(
                f"{script} {self.data_dir} failed (exit {done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-4000:]}"
            )

    def stop(self) -> None:
        subprocess.run(
            ["bash", str(LAUNCHER / "stop.sh"), str(self.data_dir)],
            env=self._env(),
            capture_output=True,
            timeout=120,
            check=False,
        )

    def pid(self) -> int:
        return int((self.data_dir / "neo4j.pid").read_text().strip())

    def kill(self) -> None:
        """SIGKILL the java process: no shutdown hook, no checkpoint, as in a power cut."""
        pid = self.pid()
        os.kill(pid, signal.SIGKILL)
        # Dead means: the process is gone (or a zombie) and its Bolt port no longer answers; a
        # JVM's threads (and its sockets) outlive its main thread's exit by a moment.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):  # reap it if it is our child (normally not)
                os.waitpid(pid, os.WNOHANG)
            if (not Path(f"/proc/{pid}").exists() or _is_zombie(pid)) and not self.listening():
                return
            time.sleep(0.05)
        raise AssertionError(f"Neo4j (pid {pid}) still alive or listening 60 s after SIGKILL")

    def listening(self) -> bool:
        with socket.socket() as s:
            s.settimeout(1)
            return s.connect_ex(("127.0.0.1", self.port)) == 0


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    except OSError:
        return True


def _docker_answers() -> bool:
    try:
        import docker  # type: ignore[import-untyped]  # optional: only where Docker runs

        client = docker.from_env(timeout=3)
        client.ping()
        client.close()
        return True
    except Exception:
        return False


def from_testcontainers() -> tuple[Neo4jServer, Any] | None:
    """A throwaway Neo4j 5.26 container, where testcontainers is installed and Docker answers."""
    try:
        from testcontainers.community.neo4j import Neo4jContainer
    except ImportError:
        try:
            from testcontainers.neo4j import Neo4jContainer  # testcontainers < 4.9
        except ImportError:
            return None
    if not _docker_answers():
        return None
    container = Neo4jContainer("neo4j:5.26-community", password=DEFAULT_PASSWORD)
    container.start()
    server = Neo4jServer(
        container.get_connection_url(),
        getattr(container, "username", "neo4j"),
        getattr(container, "password", DEFAULT_PASSWORD),
        None,
        "testcontainers",
    )
    return server, container


def from_env() -> Neo4jServer | None:
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        return None
    return Neo4jServer(
        uri,
        os.environ.get("NEO4J_USER", "neo4j"),
        os.environ.get("NEO4J_PASSWORD", DEFAULT_PASSWORD),
        os.environ.get("NEO4J_DATABASE") or None,
        "NEO4J_URI",
    )


@contextlib.contextmanager
def private_server(directory: Path) -> Iterator[LocalNeo4j]:
    """A Neo4j of the caller's own in `directory` (for tests that stop or kill it, never the
    session's), stopped afterwards; failing to start fails the test, never skips it."""
    import pytest

    local = LocalNeo4j(directory)
    try:
        local.start()
    except ServerUnavailable as error:
        local.stop()
        pytest.fail(f"cannot start a private Neo4j: {error}", pytrace=False)
    try:
        yield local
    finally:
        local.stop()
