"""A write of asset changes alone (recordChange, with its propagation) moves only the pairs of
the changed assets: per control applying to them, the control's unscoped items (one fold), each
changed asset's own scoped items and its change instants before and after the write are read in
the write's transaction. A pair that gained one instant (as recordChange writes) moves by rule
(graph/rules/change_window.py): OK turns stale from it while only older items keep it OK. Any
other pair's old and new timelines from the earliest new change on give the count
deltas (`graph.rules.count_timeline.difference`). The deltas are applied to the stored timeline in
one sweep and written back chunk by chunk. Not the whole control's items: its other pairs do not
move.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from typing import Any

from neo4j import ManagedTransaction

from graph.bundle import Bundle
from graph.model import EvidenceStatus, Frequency, Label, Rel
from graph.rules.change_window import ItemsAround, ok_to_stale
from graph.rules.count_timeline import Deltas, difference, moved_on
from graph.rules.evaluation import STATUS_CODE, EvidenceItem, interval_micros
from graph.rules.timeline import (
    OK,
    STALE,
    FoldTimeline,
    StateTimeline,
    fold_timeline,
    pair_timeline,
    union_pair_timeline,
)
from graph.stores.neo4j.reads import CURRENT, seek
from graph.stores.neo4j.timelines import joined, micros_of, old_chunks, write_back

_ITEM = (
    f"[{micros_of('e.collected_at')}, CASE WHEN e.valid_until IS NULL THEN null ELSE {micros_of('e.valid_until')} END, "
    "e.status]"
)

# The assets' write locks first: a concurrent change of one of them waits, so the instants read
# here are the ones this write's deltas start from.
CHANGE_TIMES = f"""
UNWIND $ids AS id
MATCH (a:{Label.ASSET} {{id: id}}) {seek("a", Label.ASSET)}
SET a._lock = true REMOVE a._lock
RETURN a.id AS id, [t IN coalesce(a.change_times, []) | {micros_of("t")}] AS times
"""

# The controls' write locks, before their chunks are read; then per control, the unscoped items
# and per changed asset it applies to, that asset's change instants and its own scoped items.
LOCK_CONTROLS = f"""
UNWIND $controls AS id
MATCH (c:{Label.CONTROL} {{id: id}}) {seek("c", Label.CONTROL)}
SET c._lock = true REMOVE c._lock
"""

# From each changed asset once: its scoped items (of any control, read once, not once per control
# applying to it) and the controls among $controls applying to it; grouped per control with its
# unscoped items. (Per control, one asset lookup per changed asset took 2.9 s for the M hub's
# 63 controls x 3,648 assets; this, 1.0 s.)
_PAIRS = f"""
UNWIND $assets AS asset
MATCH (a:{Label.ASSET} {{id: asset}}) {seek("a", Label.ASSET)}
WITH a, COLLECT {{
  MATCH (a)<-[:{Rel.COVERS}]-(e)-[:{Rel.EVIDENCES}]->(k) WHERE {CURRENT} RETURN [k.id, {_ITEM}]
}} AS scoped
MATCH (a)<-[:{Rel.APPLIES_TO}]-(c:{Label.CONTROL})
WHERE c.id IN $controls
WITH c, collect([a.id, [t IN coalesce(a.change_times, []) | {micros_of("t")}],
    [s IN scoped WHERE s[0] = c.id | s[1]]]) AS pairs
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
            deltas = self._deltas(record["pairs"], record["unscoped"], interval_micros(Frequency(record["frequency"])))
            if deltas:
                timeline = joined(old[record["id"]][start] for start in sorted(old[record["id"]]))
                timeline.apply(deltas)
                built[record["id"]] = timeline
        write_back(tx, built, old)
        return set(done)

    def _deltas(self, pairs: Sequence[Sequence[Any]], unscoped_rows: Sequence[Sequence[Any]], span: int) -> Deltas:
        """The count deltas of a control's pairs ([asset, its change instants now, its scoped
        items]). By the rule (graph/rules/change_window.py) for a pair that gained one instant,
        as recordChange writes: no fold. Otherwise (several new instants in one write) both of
        the pair's timelines are folded from the first new instant."""
        deltas: Deltas = {}
        unscoped = _items(unscoped_rows, span)
        around: dict[int, ItemsAround] = {}  # the unscoped items seen from each new instant
        windows: Counter[tuple[int, int]] = Counter()
        shared: FoldTimeline | None = None  # the unscoped fold, made for the first folded pair
        for asset, times, scoped in pairs:
            after, before = sorted(times), self.before.get(asset, [])
            added = set(after) - set(before)
            if not added:  # one more change at a known instant moves nothing
                continue
            own = _items(scoped, span) if scoped else None
            if len(added) == 1:
                [at] = added
                shared_around = around.get(at)
                if shared_around is None:
                    shared_around = around[at] = ItemsAround(unscoped, at)
                for window in ok_to_stale(shared_around, ItemsAround(own, at) if own else None, before, at):
                    windows[window] += 1
                continue
            shared = shared or fold_timeline(unscoped)
            own_fold = fold_timeline(own) if own else None
            since = min(added)
            difference(_pair(shared, own_fold, before, since), _pair(shared, own_fold, after, since), 1, since, deltas)
        for (start, end), n in windows.items():
            moved_on(deltas, start, end, OK, STALE, n)
        return deltas
