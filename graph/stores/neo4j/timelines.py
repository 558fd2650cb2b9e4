"""Each control's count timeline (graph/rules/count_timeline.py) kept in Neo4j, so that every
process and cluster member answers a verdict at any T from the database, with no process-local
cache to invalidate.

Stored as `(:TimelineChunk {control, start, end, times, counts})` nodes: a chunk holds the
timeline on `[start, end)`, `times` its segment starts there (the first is `start`) and `counts`
the pairs per evidence state of each segment (flat, stride `N_STATES`). A range index on
`(control, start)` finds the chunk holding T with one index seek, whatever the timeline's length.

A write that moves a control's timeline rebuilds it in the same transaction (`refresh`), from the
control's inputs read there (after taking the control's write lock, so concurrent writes to one
control build one after the other, each seeing the other's items), with the pure module
(`ControlTimelines`): there is one fold, in Python. Only the chunks whose content changed are
written (a write at "now" moves the last one); the chunk bounds are kept across writes and a
chunk past `MAX_SEGMENTS` is split, so the stored chunking depends on history but the timeline
it spells does not (`stored_timelines` joins the chunks back into the canonical form).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from neo4j import ManagedTransaction

from graph.bundle import Bundle
from graph.model import EvidenceStatus, Frequency, Label, Rel
from graph.rules.control_timeline import ControlTimelines
from graph.rules.count_timeline import Counts, CountTimeline
from graph.rules.evaluation import EARLIEST, STATUS_CODE, EvidenceItem, interval_micros
from graph.rules.timeline import N_STATES
from graph.stores.neo4j.reads import CURRENT, seek

CHUNK = "TimelineChunk"  # a label of its own, outside the graph model's labels (never exported)
END = (1 << 63) - 1  # the `end` of a control's last chunk: after every instant a datetime can be
SEGMENTS = 256  # segments per chunk when one is split
MAX_SEGMENTS = 2 * SEGMENTS  # a chunk grown past this is split


def schema_statements() -> list[tuple[str, str]]:
    name = "attestgraph_timelinechunk_control_start"
    return [(name, f"CREATE INDEX {name} IF NOT EXISTS FOR (k:{CHUNK}) ON (k.control, k.start)")]


def micros_of(instant: str) -> str:
    return f"{instant}.epochSeconds * 1000000 + {instant}.nanosecond / 1000"


# The control's write lock first: a concurrent write of the same control waits, then reads this
# one's items. Then what the fold needs: the frequency, the scope (change instants only of the
# assets that have some) and the current items with the assets they cover.
_LOCK = "SET c._lock = true REMOVE c._lock"
_INPUTS = """
UNWIND $ids AS id
MATCH (c:{control} {{id: id}}) {seek}
{lock}
RETURN c.id AS id, c.frequency AS frequency,
  [(c)-[:{applies}]->(a) | a.id] AS assets,
  [(c)-[:{applies}]->(a) WHERE size(coalesce(a.change_times, [])) > 0
     | [a.id, [t IN a.change_times | {t}]]] AS changed,
  COLLECT {{
    MATCH (c)<-[:{evidences}]-(e) WHERE {current}
    RETURN [e.id, {collected}, CASE WHEN e.valid_until IS NULL THEN null ELSE {until} END,
            e.status, [(e)-[:{covers}]->(x) | x.id]]
  }} AS items
"""
_PARTS = {
    "control": Label.CONTROL.value,
    "seek": seek("c", Label.CONTROL),
    "applies": Rel.APPLIES_TO.value,
    "evidences": Rel.EVIDENCES.value,
    "covers": Rel.COVERS.value,
    "current": CURRENT,
    "t": micros_of("t"),
    "collected": micros_of("e.collected_at"),
    "until": micros_of("e.valid_until"),
}
INPUTS_LOCKED = _INPUTS.format(lock=_LOCK, **_PARTS)
INPUTS_READ = _INPUTS.format(lock="", **_PARTS)

_CHUNKS = f"""
UNWIND $ids AS id
MATCH (k:{CHUNK}) WHERE k.control = id
RETURN k.control AS control, k.start AS start, k.end AS end, k.times AS times, k.counts AS counts
ORDER BY control, start
"""

_PUT = f"""
UNWIND $rows AS row
MERGE (k:{CHUNK} {{control: row.control, start: row.start}})
SET k.end = row.end, k.times = row.times, k.counts = row.counts
"""

_DROP = f"UNWIND $rows AS row MATCH (k:{CHUNK} {{control: row[0], start: row[1]}}) DELETE k"

# The controls whose timelines `$evidence` (their items) and `$assets` (their scope) move.
_CONTROLS_OF = f"""
UNWIND $evidence AS id
MATCH (e:{Label.EVIDENCE} {{id: id}})-[:{Rel.EVIDENCES}]->(c) {seek("e", Label.EVIDENCE)}
RETURN DISTINCT c.id AS id
UNION
UNWIND $assets AS id
MATCH (a:{Label.ASSET} {{id: id}})<-[:{Rel.APPLIES_TO}]-(c) {seek("a", Label.ASSET)}
RETURN DISTINCT c.id AS id
"""

MISSING = f"""
MATCH (c:{Label.CONTROL})
WHERE NOT EXISTS {{ MATCH (k:{CHUNK}) WHERE k.control = c.id }}
RETURN c.id AS id
"""

# One row per control among `$ids`: its status, how many assets it applies to, and the chunk of
# its count timeline holding `$at` (one seek in the (control, start) index).
AT = f"""
UNWIND $ids AS id
MATCH (c:{Label.CONTROL} {{id: id}}) {seek("c", Label.CONTROL)}
CALL (c) {{
  OPTIONAL MATCH (k:{CHUNK}) WHERE k.control = c.id AND k.start <= $at
  RETURN k ORDER BY k.start DESC LIMIT 1
}}
RETURN c.id AS id, c.status AS status, COUNT {{ (c)-[:{Rel.APPLIES_TO}]->() }} AS assets,
       k.times AS times, k.counts AS counts,
       c.finding_policy IS NOT NULL AND EXISTS {{ (c)-[:{Rel.APPLIES_TO}]->()<-[:{Rel.AFFECTS}]-() }} AS findings
"""


def counts_in(times: list[int], counts: list[int], at: int) -> Counts:
    """The counts of the segment of one chunk holding `at`."""
    i = bisect_right(times, at) - 1
    return tuple(counts[i * N_STATES : (i + 1) * N_STATES])


# -- which controls a write moves ----------------------------------------------------------------


def evidence_touched(bundle: Bundle, stored_evidence: Collection[str]) -> list[str]:
    """Evidence of the bundle whose stored control the write may move: rewritten items (their
    control may change), corrected ones, reviewed ones and those given a scope."""
    ids = {e.id for e in bundle.evidence if e.id in stored_evidence}
    ids |= {e.supersedes for e in bundle.evidence if e.supersedes is not None}
    ids |= {r.evidence for r in bundle.reviews} | {link.source for link in bundle.covers}
    return sorted(ids)


def controls_of(tx: ManagedTransaction, evidence: Collection[str], assets: Collection[str]) -> set[str]:
    if not evidence and not assets:
        return set()
    return {r["id"] for r in tx.run(_CONTROLS_OF, evidence=sorted(evidence), assets=sorted(assets))}


def bundle_controls(bundle: Bundle) -> set[str]:
    """Controls the bundle names itself: written, scoped, or evidenced by its items."""
    found = {c.id for c in bundle.controls} | {link.source for link in bundle.applies_to}
    return found | {e.control for e in bundle.evidence}


# -- building and writing ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Chunk:
    start: int
    end: int
    times: list[int]
    counts: list[int]


def build(record: Mapping[str, Any]) -> CountTimeline:
    """The count timeline of one `_INPUTS` row, by the pure module."""
    span = interval_micros(Frequency(record["frequency"]))
    items: dict[str, tuple[EvidenceItem, list[str]]] = {}
    for evidence_id, collected, until, status, covers in record["items"]:
        end = collected + span if until is None else until
        items[evidence_id] = ((collected, end, STATUS_CODE[EvidenceStatus(status)]), covers)
    changes = {asset: sorted(times) for asset, times in record["changed"]}
    return ControlTimelines(record["assets"], items, changes).counts


def chunked(timeline: CountTimeline, bounds: list[int]) -> list[Chunk]:
    """The timeline cut at `bounds` (sorted, the first EARLIEST), a piece past MAX_SEGMENTS cut
    again every SEGMENTS segments."""
    starts, counts = timeline.starts, timeline.counts
    found = []
    for b, start in enumerate(bounds):
        end = bounds[b + 1] if b + 1 < len(bounds) else END
        lo, hi = bisect_right(starts, start) - 1, bisect_left(starts, end)
        times = [start, *starts[lo + 1 : hi]]
        while len(times) > MAX_SEGMENTS:
            piece = list(counts[lo * N_STATES : (lo + SEGMENTS) * N_STATES])
            found.append(Chunk(times[0], times[SEGMENTS], times[:SEGMENTS], piece))
            times, lo = times[SEGMENTS:], lo + SEGMENTS
        found.append(Chunk(times[0], end, times, list(counts[lo * N_STATES : hi * N_STATES])))
    return found


def refresh(tx: ManagedTransaction, control_ids: Iterable[str]) -> None:
    """Rebuild the count timelines of `control_ids` from what this transaction sees, writing
    only the chunks that changed. Sorted, so concurrent writers lock controls in one order."""
    ids = sorted(set(control_ids))
    if not ids:
        return
    inputs = list(tx.run(INPUTS_LOCKED, ids=ids))
    write_back(tx, {record["id"]: build(record) for record in inputs}, old_chunks(tx, ids))


def old_chunks(tx: ManagedTransaction, ids: Collection[str]) -> dict[str, dict[int, Chunk]]:
    """The stored chunks of each control, by start."""
    old: dict[str, dict[int, Chunk]] = {}
    for r in tx.run(_CHUNKS, ids=sorted(ids)):
        old.setdefault(r["control"], {})[r["start"]] = Chunk(r["start"], r["end"], r["times"], r["counts"])
    return old


def write_back(tx: ManagedTransaction, built: Mapping[str, CountTimeline], old: Mapping[str, dict[int, Chunk]]) -> None:
    """Store each control's timeline cut at its old chunks' bounds: only changed chunks are written."""
    put: list[dict[str, Any]] = []
    drop: list[list[Any]] = []
    for control, timeline in built.items():
        before = old.get(control, {})
        chunks = chunked(timeline, sorted(before) or [EARLIEST])
        put.extend(_row(control, chunk) for chunk in chunks if before.get(chunk.start) != chunk)
        drop += [[control, start] for start in sorted(set(before) - {c.start for c in chunks})]
    if drop:
        tx.run(_DROP, rows=drop).consume()
    if put:
        tx.run(_PUT, rows=put).consume()


def _row(control: str, chunk: Chunk) -> dict[str, Any]:
    return {"control": control, "start": chunk.start, "end": chunk.end, "times": chunk.times, "counts": chunk.counts}


def joined(chunks: Iterable[Chunk]) -> CountTimeline:
    """Chunks (in order of start) joined back into one timeline in canonical form."""
    starts: list[int] = []
    counts: list[int] = []
    for chunk in chunks:
        for i, at in enumerate(chunk.times):
            value = chunk.counts[i * N_STATES : (i + 1) * N_STATES]
            if not starts or counts[-N_STATES:] != value:
                starts.append(at)
                counts.extend(value)
    timeline = CountTimeline()
    timeline.starts, timeline.counts = array("q", starts), array("q", counts)
    return timeline


def stored_timelines(tx_read: Any, control_ids: Collection[str]) -> dict[str, CountTimeline]:
    """The stored timelines joined back into canonical form (tests, and a look inside)."""
    found: dict[str, list[Chunk]] = {}
    for r in tx_read(_CHUNKS, ids=sorted(control_ids)):
        found.setdefault(r["control"], []).append(Chunk(r["start"], r["end"], r["times"], r["counts"]))
    return {control: joined(chunks) for control, chunks in found.items()}


def fresh_timelines(tx_read: Any, control_ids: Collection[str]) -> dict[str, CountTimeline]:
    """The timelines built from scratch from what the database holds now (tests)."""
    return {r["id"]: build(r) for r in tx_read(INPUTS_READ, ids=sorted(control_ids))}
