"""A write of asset changes alone (recordChange, with its propagation) moves only the pairs of
the changed assets: per control applying to them, the control's unscoped items (one fold), each
changed asset's own scoped items and its change instants before and after the write are read in
the write's transaction; each pair's old and new timelines from the earliest new change on give
the count deltas (`graph.rules.count_timeline.difference`), applied to the stored timeline in one
sweep and written back chunk by chunk. Not the whole control's items: its other pairs do not move.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from typing import Any

from neo4j import ManagedTransaction

from graph.bundle import Bundle
from graph.model import EvidenceStatus, Frequency, Label, Rel
from graph.rules.count_timeline import Deltas, difference
from graph.rules.evaluation import STATUS_CODE, EvidenceItem, interval_micros
from graph.rules.timeline import FoldTimeline, StateTimeline, fold_timeline, pair_timeline, union_pair_timeline
from graph.stores.neo4j.reads import CURRENT, seek
from graph.stores.neo4j.timelines import joined, old_chunks, write_back


def _micros(instant: str) -> str:
    return f"{instant}.epochSeconds * 1000000 + {instant}.nanosecond / 1000"


_ITEM = (
    f"[{_micros('e.collected_at')}, CASE WHEN e.valid_until IS NULL THEN null ELSE {_micros('e.valid_until')} END, "
    "e.status]"
)

# The assets' write locks first: a concurrent change of one of them waits, so the instants read
# here are the ones this write's deltas start from.
CHANGE_TIMES = f"""
UNWIND $ids AS id
MATCH (a:{Label.ASSET} {{id: id}}) {seek("a", Label.ASSET)}
SET a._lock = true REMOVE a._lock
RETURN a.id AS id, [t IN coalesce(a.change_times, []) | {_micros("t")}] AS times
"""

# Per control (locked by LOCK_CONTROLS before its chunks are read): the unscoped items, and per
# changed asset it applies to, that asset's change instants and its own scoped items.
LOCK_CONTROLS = f"""
UNWIND $controls AS id
MATCH (c:{Label.CONTROL} {{id: id}}) {seek("c", Label.CONTROL)}
SET c._lock = true REMOVE c._lock
"""

_PAIRS = f"""
UNWIND $controls AS id
MATCH (c:{Label.CONTROL} {{id: id}}) {seek("c", Label.CONTROL)}
CALL (c) {{
  UNWIND $assets AS asset
  MATCH (a:{Label.ASSET} {{id: asset}})<-[:{Rel.APPLIES_TO}]-(c)
  RETURN collect([a.id, [t IN coalesce(a.change_times, []) | {_micros("t")}],
    COLLECT {{ MATCH (a)<-[:{Rel.COVERS}]-(e)-[:{Rel.EVIDENCES}]->(c) WHERE {CURRENT} RETURN {_ITEM} }}]) AS pairs
}}
RETURN c.id AS id, c.frequency AS frequency, pairs,
  COLLECT {{
    MATCH (c)<-[:{Rel.EVIDENCES}]-(e) WHERE {CURRENT} AND NOT EXISTS {{ (e)-[:{Rel.COVERS}]->() }}
    RETURN {_ITEM}
  }} AS unscoped
"""


def _items(rows: Sequence[Sequence[Any]], span: int) -> list[EvidenceItem]:
    return [
        (collected, collected + span if until is None else until, STATUS_CODE[EvidenceStatus(status)])
        for collected, until, status in rows
    ]


def _pair(shared: FoldTimeline, own: FoldTimeline | None, changes: Sequence[int], since: int) -> StateTimeline:
    if own is None:
        return pair_timeline(shared, changes, since)
    return union_pair_timeline(shared, own, changes, since)


def _moved(
    shared: FoldTimeline, own: FoldTimeline | None, before: Sequence[int], after: Sequence[int], n: int, into: Deltas
) -> None:
    """The count deltas of `n` pairs whose asset's change instants went from `before` to `after`."""
    since = min(set(after) - set(before))
    difference(_pair(shared, own, before, since), _pair(shared, own, after, since), n, since, into)


class ChangesOnly:
    """Made before the write (the change instants as they were), `moved` after it."""

    def __init__(self, tx: ManagedTransaction, bundle: Bundle) -> None:
        self.assets = sorted({change.asset for change in bundle.changes})
        self.before = {r["id"]: sorted(r["times"]) for r in tx.run(CHANGE_TIMES, ids=self.assets)}

    def moved(self, tx: ManagedTransaction, controls: Collection[str]) -> set[str]:
        """Apply the changed pairs' deltas to the stored timelines of `controls`; return those
        done (a control without a stored timeline is left to a full build)."""
        tx.run(LOCK_CONTROLS, controls=sorted(controls)).consume()  # before their chunks are read
        old = old_chunks(tx, controls)
        done = sorted(c for c in controls if c in old)
        if not done:
            return set()
        built = {}
        for record in tx.run(_PAIRS, controls=done, assets=self.assets):
            span = interval_micros(Frequency(record["frequency"]))
            shared = fold_timeline(_items(record["unscoped"], span))
            deltas: Deltas = {}
            # Pairs without scoped items and with equal histories have equal timelines: each
            # such class is folded once and counted by its size (a hub's change gives every
            # asset the same new instant: ~27k plain pairs at M, a few classes per control).
            plain: Counter[tuple[tuple[int, ...], tuple[int, ...]]] = Counter()
            for asset, times, scoped in record["pairs"]:
                after, before = sorted(times), self.before.get(asset, [])
                if set(after) <= set(before):  # no new instant (one more change at a known one moves nothing)
                    continue
                if not scoped:
                    plain[tuple(before), tuple(after)] += 1
                    continue
                own = fold_timeline(_items(scoped, span))
                _moved(shared, own, before, after, 1, deltas)
            for (before_times, after_times), n in plain.items():
                _moved(shared, None, before_times, after_times, n, deltas)
            if deltas:
                timeline = joined(old[record["id"]][start] for start in sorted(old[record["id"]]))
                timeline.apply(deltas)
                built[record["id"]] = timeline
        write_back(tx, built, old)
        return set(done)
