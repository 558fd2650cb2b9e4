"""A write of new evidence items alone (recordEvidence) moves each pair of their control only
from the earliest new item's `collected_at` on: per control, the pairs' old and new timelines from
that instant (without and with the new items) give the count deltas, applied to the stored
timeline and written back chunk by chunk. A full build costs every pair over every segment; this
costs every pair over the segments after the write (few, for an item collected "now").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from neo4j import ManagedTransaction

from graph.bundle import LINK_LISTS, NODE_LISTS, Bundle
from graph.model import EvidenceStatus, Frequency
from graph.rules.count_timeline import Deltas, difference
from graph.rules.evaluation import STATUS_CODE, EvidenceItem, interval_micros
from graph.rules.timeline import FoldTimeline, StateTimeline, fold_timeline, pair_timeline, union_pair_timeline
from graph.stores.neo4j.timelines import INPUTS_LOCKED, joined, old_chunks, write_back


def only_new_items(bundle: Bundle, stored_evidence: set[str]) -> bool:
    """Evidence never stored, no correction, and at most their own scopes besides."""
    new = {e.id for e in bundle.evidence}
    lists = (*NODE_LISTS, *LINK_LISTS, "depends_on", "mappings", "reviews", "changes")
    others = [name for name in lists if name not in {"evidence", "covers"}]
    return (
        bool(new)
        and not new & stored_evidence
        and all(e.supersedes is None for e in bundle.evidence)
        and all(link.source in new for link in bundle.covers)
        and not any(getattr(bundle, name) for name in others)
    )


def _pair(shared: FoldTimeline, own: FoldTimeline | None, changes: Sequence[int], since: int) -> StateTimeline:
    return pair_timeline(shared, changes, since) if own is None else union_pair_timeline(shared, own, changes, since)


def _fold(items: list[EvidenceItem]) -> FoldTimeline | None:
    return fold_timeline(items) if items else None


def _deltas(record: Any, new: set[str]) -> Deltas:
    span = interval_micros(Frequency(record["frequency"]))
    shared: tuple[list[EvidenceItem], list[EvidenceItem]] = ([], [])  # (old, new)
    own: dict[str, tuple[list[EvidenceItem], list[EvidenceItem]]] = {}
    every: tuple[list[EvidenceItem], list[EvidenceItem]] = ([], [])
    since = None
    for evidence_id, collected, until, status, covers in record["items"]:
        item = (collected, collected + span if until is None else until, STATUS_CODE[EvidenceStatus(status)])
        added = evidence_id in new
        if added:
            since = collected if since is None else min(since, collected)
        for lists in [shared] if not covers else [own.setdefault(a, ([], [])) for a in covers]:
            lists[1].append(item)
            if not added:
                lists[0].append(item)
        every[1].append(item)
        if not added:
            every[0].append(item)
    deltas: Deltas = {}
    if since is None:
        return deltas
    if not record["assets"]:  # the pseudo-pair over all items
        old, now = (pair_timeline(fold_timeline(items), (), since) for items in every)
        difference(old, now, 1, since, deltas)
        return deltas
    old_shared, new_shared = fold_timeline(shared[0]), fold_timeline(shared[1])
    changes = {asset: sorted(times) for asset, times in record["changed"]}
    plain = 0
    for asset in record["assets"]:
        mine = own.get(asset)
        if mine is None and asset not in changes:
            plain += 1
            continue
        old_own, new_own = (None, None) if mine is None else (_fold(mine[0]), _fold(mine[1]))
        moved = changes.get(asset, ())
        old, now = _pair(old_shared, old_own, moved, since), _pair(new_shared, new_own, moved, since)
        difference(old, now, 1, since, deltas)
    if plain:
        old, now = pair_timeline(old_shared, (), since), pair_timeline(new_shared, (), since)
        difference(old, now, plain, since, deltas)
    return deltas


def add_items(tx: ManagedTransaction, bundle: Bundle, controls: set[str]) -> set[str]:
    """Apply the new items' deltas to the stored timelines of `controls` (their controls, after
    the write); return those done (one without a stored timeline is left to a full build)."""
    ids = sorted(controls)
    inputs = list(tx.run(INPUTS_LOCKED, ids=ids))  # locks first, then the chunks
    old = old_chunks(tx, ids)
    new = {e.id for e in bundle.evidence}
    built = {}
    for record in inputs:
        if record["id"] not in old:
            continue
        deltas = _deltas(record, new)
        if deltas:
            timeline = joined(old[record["id"]][start] for start in sorted(old[record["id"]]))
            timeline.apply(deltas)
            built[record["id"]] = timeline
    write_back(tx, built, old)
    return set(old) & set(ids)
