"""One writer per embedded data dir: an exclusive OS lock on `<data dir>/attestgraph.lock`.

Every process that writes a data dir (`attestgraph serve`, `load`, `import`, `keys create`,
...) checks immutability and supersedes against its own in-memory graph, so two of them at
once could each accept a write the other makes wrong. The first to open the dir for writing
holds a non-blocking `flock` on the lock file until it closes; any other process fails at once,
naming the holder's pid (written into the file). Readers take no lock: SQLite in WAL mode gives
each read transaction a consistent snapshot while one writer commits.

The lock is per process and re-entrant: `serve` holds it for its whole life while the app it
starts opens the store (taking it again) inside, and tests open several stores on one dir.
The OS drops it when the holder exits, however it exits, so a crash never leaves a stale lock.
`flock` is advisory and local: it does not guard a data dir shared over NFS between machines.
"""

from __future__ import annotations

import fcntl
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from graph.errors import ConflictError

LOCK_FILE = "attestgraph.lock"


class DataDirInUseError(ConflictError):
    """Another process holds the data dir's write lock."""

    def __init__(self, data_dir: Path, pid: int | None) -> None:
        self.data_dir = data_dir
        self.pid = pid
        holder = f"process {pid}" if pid is not None else "another process"
        super().__init__(f"data dir {data_dir} is in use by {holder}; stop it or use the API")


@dataclass
class _Held:
    fd: int
    count: int


_held: dict[Path, _Held] = {}
_guard = threading.Lock()


class DataDirLock:
    """The write lock of one data dir, held by this process from `acquire` to `release`."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._path = (data_dir / LOCK_FILE).resolve()
        self._acquired = False

    def acquire(self) -> DataDirLock:
        with _guard:
            if self._acquired:
                return self
            held = _held.get(self._path)
            if held is not None:
                held.count += 1
            else:
                self.data_dir.mkdir(parents=True, exist_ok=True)
                _held[self._path] = _Held(_lock(self._path, self.data_dir), 1)
            self._acquired = True
        return self

    def release(self) -> None:
        with _guard:
            if not self._acquired:
                return
            self._acquired = False
            held = _held[self._path]
            held.count -= 1
            if held.count == 0:
                del _held[self._path]
                # Closing the descriptor drops the lock; the file stays (removing it would race
                # with a process that has just opened it).
                os.close(held.fd)

    def __enter__(self) -> DataDirLock:
        return self.acquire()

    def __exit__(self, *_: object) -> None:
        self.release()


def _lock(path: Path, data_dir: Path) -> int:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        pid = _holder(fd)
        os.close(fd)
        raise DataDirInUseError(data_dir, pid) from None
    except BaseException:
        os.close(fd)
        raise
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd


def _holder(fd: int) -> int | None:
    """The pid the holder wrote, or None if it has not written it yet (or wrote nonsense)."""
    text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    return int(text) if text.isdigit() else None
