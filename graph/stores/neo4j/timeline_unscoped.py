"""New unscoped evidence items alone (a typical recordEvidence) move their control's stored count
timeline by the rule per state code of graph/rules/item_moves.py, without reading or folding the
control's other items: the control is locked, the chunks from the earliest new item on are read,
the database is asked whether an asset of the control changed while an accepted item is valid
(then the item takes the refold of timeline_items.py), and the moved chunks are written back.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from neo4j import ManagedTransaction

from graph.bundle import Bundle
from graph.model import Evidence, Frequency, Label, Rel
from graph.rules import item_moves
from graph.rules.count_timeline import Deltas, remapped
from graph.rules.evaluation import LATEST, EvidenceItem, evidence_item, interval_micros
from graph.stores.neo4j.changes import CHANGE
from graph.stores.neo4j.reads import seek
from graph.stores.neo4j.timelines import CHUNK, Chunk, joined, write_back
from graph.stores.neo4j.values import micros_pair

# The control's write lock first (as timelines.INPUTS_LOCKED), then its frequency and scope size.
_LOCKED = f"""
UNWIND $ids AS id
MATCH (c:{Label.CONTROL} {{id: id}}) {seek("c", Label.CONTROL)}
SET c._lock = true REMOVE c._lock
RETURN c.id AS id, c.frequency AS frequency, COUNT {{ (c)-[:{Rel.APPLIES_TO}]->() }} AS assets
"""

# Per (control, lo, hi): did an asset of the control change strictly inside (lo, hi)? Asked from
# the changes inside the window (the range index on Change.at), not from the control's assets:
# a control may apply to 40k assets (L), and a window "from now" holds few changes.
CHANGED_INSIDE = f"""
UNWIND $rows AS row
MATCH (c:{Label.CONTROL} {{id: row.control}}) {seek("c", Label.CONTROL)}
RETURN row.control AS id, EXISTS {{
  MATCH (ch:{CHANGE}) WHERE ch.at > datetime({{epochSeconds: row.lo[0], nanosecond: row.lo[1]}})
    AND (row.hi IS NULL OR ch.at < datetime({{epochSeconds: row.hi[0], nanosecond: row.hi[1]}}))
  MATCH (a:{Label.ASSET} {{id: ch.asset}}) {seek("a", Label.ASSET)}
  WHERE EXISTS {{ (c)-[:{Rel.APPLIES_TO}]->(a) }}
}} AS changed
"""

# The chunks of each control from the one holding `since` on.
_CHUNKS_FROM = f"""
UNWIND $rows AS row
MATCH (k:{CHUNK}) WHERE k.control = row[0] AND k.end > row[1]
RETURN k.control AS control, k.start AS start, k.end AS end, k.times AS times, k.counts AS counts
ORDER BY control, start
"""


def unscoped_new(bundle: Bundle, controls: Collection[str]) -> dict[str, list[Evidence]]:
    """Per control of `controls`, its new items when every one of them is unscoped."""
    scoped = {link.source for link in bundle.covers}
    found: dict[str, list[Evidence]] = {}
    refused: set[str] = set()
    for evidence in bundle.evidence:
        if evidence.control not in controls:
            continue
        if evidence.id in scoped:
            refused.add(evidence.control)
        else:
            found.setdefault(evidence.control, []).append(evidence)
    return {control: items for control, items in found.items() if control not in refused}


def add_unscoped(tx: ManagedTransaction, bundle: Bundle, controls: Collection[str]) -> set[str]:
    """Move the stored timelines of the controls whose new items are all unscoped; return those
    done (a control with no asset, without a stored timeline, or with an asset changed while an
    item is valid is left to the caller)."""
    new = unscoped_new(bundle, controls)
    if not new:
        return set()
    ids = sorted(new)
    items: dict[str, list[EvidenceItem]] = {}
    for record in tx.run(_LOCKED, ids=ids):
        if record["assets"]:  # no asset: one pseudo-pair over all items, the refold's case
            span = interval_micros(Frequency(record["frequency"]))
            items[record["id"]] = sorted(evidence_item(e, span) for e in new[record["id"]])
    windows = [_window(c, *w) for c, mine in items.items() for item in mine if (w := item_moves.valid_window(item))]
    changed = {r["id"] for r in tx.run(CHANGED_INSIDE, rows=windows) if r["changed"]} if windows else set()
    for control in changed:
        del items[control]
    if not items:
        return set()
    old = _chunks_from(tx, {control: mine[0][0] for control, mine in items.items()})
    built = {}
    for control, chunks in old.items():
        timeline = joined(chunks[start] for start in sorted(chunks))
        for item in items[control]:  # one at a time: each item's rule reads the counts the last left
            deltas: Deltas = {}
            for lo, hi, moves in item_moves.moves_unchanged(item):
                remapped(timeline, lo, hi, moves, deltas)
            timeline.apply(deltas)
        built[control] = timeline
    write_back(tx, built, old)
    return set(old)


def _window(control: str, lo: int, hi: int) -> dict[str, Any]:
    """A row of CHANGED_INSIDE; an item valid for good (LATEST) has no upper bound."""
    return {"control": control, "lo": micros_pair(lo), "hi": micros_pair(hi) if hi < LATEST else None}


def _chunks_from(tx: ManagedTransaction, since: dict[str, int]) -> dict[str, dict[int, Chunk]]:
    rows: list[list[Any]] = [[control, at] for control, at in sorted(since.items())]
    old: dict[str, dict[int, Chunk]] = {}
    for r in tx.run(_CHUNKS_FROM, rows=rows):
        old.setdefault(r["control"], {})[r["start"]] = Chunk(r["start"], r["end"], r["times"], r["counts"])
    return old
