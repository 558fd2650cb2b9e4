"""The Neo4j store's read-through memo, correct across processes sharing one database.

Every graph-changing write transaction increments a counter on one `:GraphVersion` node (its last
statement, so the node's write lock is held only for the commit and cannot close a cycle of lock
waits). A read first reads that counter (one cheap round trip) and reuses what was remembered
under the same version; a write from any process moves the version, and everything remembered
before it is dropped on the next read. The version is global, not per control: a write of one
evidence item makes every control compute again once. That keeps the write side to one
statement; per-control revisions would spare the untouched controls that first call.

The node also holds a random `epoch`, made when the node is created: `clear()` deletes it with
everything else, and a counter starting again at 1 must not match what was remembered before.

Control states (missingEvidence's failing rows) are remembered with the interval `[lo, hi)` of
instants for which they hold: any T inside it answers without asking Neo4j again. Control
verdicts are not remembered: they are one read of the count timelines the database keeps
(timelines.py), the same in every process. Answers computed under an
`Assumption` are never remembered; the evidence read they start from (impact's `FRESH_AT`,
shared by its stale evidence and its what-if verdicts) is, per version. The memo is bounded
(least recently used entries go first).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from neo4j import ManagedTransaction

from graph.rules.evaluation import to_micros

V = TypeVar("V")

LABEL = "GraphVersion"
_ID = "graph"

# A version as read: (epoch, counter), or None while no graph write has made the node yet.
Version = tuple[str, int] | None

# The version as `epoch` and `n`: also the first clause of a read that checks it in the same
# statement as it answers (graph/stores/neo4j/radius.py).
MATCH_VERSION = f"OPTIONAL MATCH (g:{LABEL} {{id: '{_ID}'}}) WITH g.epoch AS epoch, g.n AS n"
READ = f"{MATCH_VERSION} RETURN epoch, n"

# MERGE under the uniqueness constraint below: concurrent first writes make one node, not two.
_BUMP = f"MERGE (g:{LABEL} {{id: '{_ID}'}}) ON CREATE SET g.epoch = randomUUID(), g.n = 0 SET g.n = g.n + 1"


def schema_statements() -> list[tuple[str, str]]:
    name = "attestgraph_graphversion_id"
    return [(name, f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (g:{LABEL}) REQUIRE g.id IS UNIQUE")]


def bump(tx: ManagedTransaction) -> None:
    """Move the version, inside the graph write's transaction (so it commits with it or not at all)."""
    tx.run(_BUMP).consume()


def version_of(record: Any) -> Version:
    return None if record["epoch"] is None else (record["epoch"], record["n"])


@dataclass(frozen=True, slots=True)
class Timed(Generic[V]):
    """An answer that holds for every instant T (microseconds) with `lo <= T < hi` (None: unbounded)."""

    lo: int | None
    hi: int | None
    value: V

    def holds_at(self, at: int) -> bool:
        return (self.lo is None or self.lo <= at) and (self.hi is None or at < self.hi)


class ReadMemo:
    """Answers remembered under one graph version, least recently used dropped past `capacity`
    units of weight (an entry weighs 1 plus the rows it holds, see `put`)."""

    def __init__(self, capacity: int = 500_000) -> None:
        self._capacity = capacity
        self._lock = threading.Lock()
        self._version: Version = None
        self._entries: OrderedDict[tuple[Any, ...], tuple[int, Any]] = OrderedDict()
        self._weight = 0

    def _adopt(self, version: Version) -> bool:
        """Use `version` from now on (a different one drops everything); False: do not remember."""
        if version is None:
            return False
        if version != self._version:
            self._entries.clear()
            self._weight = 0
            self._version = version
        return True

    def get(self, version: Version, key: tuple[Any, ...]) -> Any | None:
        with self._lock:
            if not self._adopt(version):
                return None
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries.move_to_end(key)
            return found[1]

    def version_holding(self, key: tuple[Any, ...]) -> Version:
        """The version `key` is remembered under (the memo's current one), or None if it is not."""
        with self._lock:
            return self._version if key in self._entries else None

    def put(self, version: Version, key: tuple[Any, ...], value: Any, rows: int = 0) -> None:
        """Remember `value` as read under `version` (computed after that version was read, so it
        is at least as new); a reader that saw another version meanwhile leaves it out."""
        with self._lock:
            if version is None or version != self._version:
                return
            old = self._entries.pop(key, None)
            if old is not None:
                self._weight -= old[0]
            weight = 1 + rows
            if weight > self._capacity:
                return
            self._entries[key] = (weight, value)
            self._weight += weight
            while self._weight > self._capacity:
                _key, (dropped, _value) = self._entries.popitem(last=False)
                self._weight -= dropped

    def remember(self, version: Version, key: tuple[Any, ...], value: Any, rows: int = 0) -> None:
        """`put`, for a value read in the same statement as `version`: adopted first, as `get` does."""
        with self._lock:
            adopted = self._adopt(version)
        if adopted:
            self.put(version, key, value, rows)

    def cached(
        self, version: Version, key: tuple[Any, ...], compute: Callable[[], V], weigh: Callable[[V], int] | None = None
    ) -> V:
        """The answer remembered under `key`, else `compute()`'s, remembered (`weigh`: its rows)."""
        found = self.get(version, key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        value = compute()
        self.put(version, key, value, weigh(value) if weigh is not None else 0)
        return value

    def per_control(
        self,
        version: Version,
        kind: str,
        ids: list[str],
        at: datetime,
        assume: Any,
        compute: Callable[[list[str], datetime, Any], dict[str, Timed[V]]],
    ) -> dict[str, V]:
        """Per control, the answer remembered for an interval holding `at`, the rest computed in
        one query and remembered; nothing under an assumption (impact's what-if) is."""
        if assume is not None:
            return {i: timed.value for i, timed in compute(ids, at, assume).items()}
        micros = to_micros(at)
        found: dict[str, V] = {}
        missing = []
        for i in ids:
            timed = self.get(version, (kind, i))
            if timed is not None and timed.holds_at(micros):
                found[i] = timed.value
            else:
                missing.append(i)
        if missing:
            for i, timed in compute(missing, at, None).items():
                self.put(version, (kind, i), timed, len(timed.value) if isinstance(timed.value, list) else 0)
                found[i] = timed.value
        return found

    def __len__(self) -> int:
        return len(self._entries)
