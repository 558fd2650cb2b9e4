"""Accepted evidence per control: the reads behind period gaps and samples.

Period gaps (evidenceGaps, a control's Type II page) count each control's accepted, current items
per interval of a period. Reading those items from Neo4j for every question scans every item of
the period (2M at L: seconds), so each process keeps, per control, the instants of all its
accepted, current items (`AcceptedKept`), tagged with the control's `_items` revision. A write
that may move a control's items (new, rewritten, reviewed, superseded, scoped) gives the control a
new random revision in its own transaction (`mark_moved`). A question reads the revisions of
its controls (one round trip, with the graph's epoch) and reads again only the controls whose
revision moved. Every process sees every other's writes: the revisions are in the database.
Memory: 8 bytes per accepted item of the controls asked (16 MB at L), one entry per control.
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Callable, Collection, Iterable, Sequence
from collections.abc import Mapping as ByControl
from dataclasses import dataclass
from datetime import datetime

from neo4j import ManagedTransaction, Record

from graph.model import Label, Rel
from graph.queries.results import AcceptedItem
from graph.rules.evaluation import from_micros, interval_counts, to_micros
from graph.stores.neo4j import memo
from graph.stores.neo4j import samples as sample_rules
from graph.stores.neo4j.reads import ACCEPTED, CURRENT, seek
from graph.stores.neo4j.timelines import micros_of
from graph.stores.neo4j.values import to_db

Read = Callable[..., list[Record]]

_MOVED = (
    f"UNWIND $ids AS id MATCH (c:{Label.CONTROL} {{id: id}}) {seek('c', Label.CONTROL)} SET c._items = randomUUID()"
)

ITEM_REVISIONS = (
    f"{memo.MATCH_VERSION} UNWIND $ids AS id MATCH (c:{Label.CONTROL} {{id: id}}) {seek('c', Label.CONTROL)} "
    "RETURN epoch, id, c._items AS revision"
)


# Each control's accepted, current items, with the revision they belong to (read first).
ACCEPTED_OF = f"""
{memo.MATCH_VERSION}
UNWIND $ids AS id
MATCH (c:{Label.CONTROL} {{id: id}}) {seek("c", Label.CONTROL)}
WITH epoch, id, c, c._items AS revision
OPTIONAL MATCH (c)<-[:{Rel.EVIDENCES}]-(e:{Label.EVIDENCE}) WHERE e.status = '{ACCEPTED}' AND {CURRENT}
WITH epoch, id, revision, {micros_of("e.collected_at")} AS at,
  CASE WHEN e.period_start IS NOT NULL AND e.period_end IS NOT NULL
    THEN [{micros_of("e.period_start")}, {micros_of("e.period_end")}, {micros_of("e.collected_at")}] END AS period
RETURN epoch, id, revision, collect(at) AS times, collect(period) AS periods
"""


def mark_moved(tx: ManagedTransaction, control_ids: Collection[str]) -> None:
    """Give the controls a new items revision, in the write's transaction (sorted: one lock order)."""
    if control_ids:
        tx.run(_MOVED, ids=sorted(control_ids)).consume()


@dataclass(frozen=True, slots=True)
class Kept:
    """One control's accepted, current items as of `revision`: collection instants, sorted, and
    the observation periods `(start, end, collected_at)` of those that have one, sorted."""

    epoch: str | None
    revision: str | None
    times: array[int]
    periods: list[tuple[int, int, int]]


class AcceptedKept:
    """The accepted items of each control asked, read again only when its revision moved."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[str, Kept] = {}

    def of(self, read: Read, ids: list[str]) -> dict[str, Kept]:
        """Each known control of `ids` (unknown ones are left out): two round trips at most."""
        if not ids:
            return {}
        wanted = {r["id"]: (r["epoch"], r["revision"]) for r in read(ITEM_REVISIONS, ids=ids)}
        with self._lock:
            found = {
                i: kept
                for i, (epoch, revision) in wanted.items()
                if (kept := self._kept.get(i)) is not None and (kept.epoch, kept.revision) == (epoch, revision)
            }
        missing = [i for i in wanted if i not in found]
        fresh = {r["id"]: _kept(r) for r in (read(ACCEPTED_OF, ids=missing) if missing else [])}
        with self._lock:
            # No epoch (no graph write yet): nothing tells a later read whether this still holds.
            self._kept.update((i, kept) for i, kept in fresh.items() if kept.epoch is not None)
        return {**found, **fresh}


def _kept(record: Record) -> Kept:
    periods = sorted((lo, hi, at) for lo, hi, at in record["periods"])
    return Kept(record["epoch"], record["revision"], array("q", sorted(record["times"])), periods)


def counts(
    kept: ByControl[str, Kept], intervals: ByControl[str, Sequence[tuple[datetime, datetime]]]
) -> dict[str, list[int]]:
    """Per control, its items collected in each of its intervals (zeros: a control not kept)."""
    out = {}
    for control_id, bounds in intervals.items():
        found = kept.get(control_id)
        micros = ((to_micros(lo), to_micros(hi)) for lo, hi in bounds)
        out[control_id] = [0] * len(bounds) if found is None else interval_counts(found.times, micros)
    return out


def periods(
    kept: ByControl[str, Kept], ids: Iterable[str], start: datetime, end: datetime
) -> dict[str, list[tuple[datetime, datetime, datetime]]]:
    """Per control, `(period_start, period_end, collected_at)` of the items observing part of `[start, end)`."""
    lower, upper = to_micros(start), to_micros(end)
    out: dict[str, list[tuple[datetime, datetime, datetime]]] = {}
    for control_id in ids:
        found = kept.get(control_id)
        out[control_id] = [
            (from_micros(lo), from_micros(hi), from_micros(at))
            for lo, hi, at in (found.periods if found is not None else [])
            if lo < upper and lower < hi
        ]
    return out


def items(read: Read, control_id: str, start: datetime, end: datetime) -> list[AcceptedItem]:
    found = read(sample_rules.ACCEPTED_EVIDENCE_ITEMS, id=control_id, start=to_db(start), end=to_db(end))
    return sample_rules.accepted_items(found)
