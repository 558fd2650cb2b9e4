"""A control's current evidence items, unscoped apart and scoped per covered asset, with each
asset's own fold made on first use: the bookkeeping under graph/rules/control_timeline.py
(`ControlTimelines` extends it; read-only outside, its writes keep it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from graph.rules.evaluation import NO_INSTANT, EvidenceItem, fold
from graph.rules.timeline import FoldTimeline, fold_timeline, merge_max, splice_fold


class ControlItems:
    unscoped_fold: FoldTimeline  # the fold of the unscoped items (kept by the subclass)

    def __init__(self, items: Mapping[str, tuple[EvidenceItem, Sequence[str]]]) -> None:
        self.unscoped: dict[str, EvidenceItem] = {}
        self.scoped: dict[str, dict[str, EvidenceItem]] = {}  # per covered asset
        self._covers: dict[str, tuple[str, ...]] = {}
        self._own: dict[str, FoldTimeline] = {}  # the fold of each asset's scoped items, made on first use
        # The latest `collected_at` ever filed, unscoped and per covered asset (bounds: never lowered).
        self.latest_unscoped = NO_INSTANT
        self.latest_own: dict[str, int] = {}
        for evidence_id, (item, covers) in items.items():
            self._file(evidence_id, item, tuple(covers))

    def item(self, evidence_id: str) -> EvidenceItem | None:
        """The current item of that id (None: not one of the control's current items)."""
        covered = self._covers.get(evidence_id)
        if covered is None:
            return None
        return self.scoped[covered[0]][evidence_id] if covered else self.unscoped[evidence_id]

    def covers(self, evidence_id: str) -> tuple[str, ...]:
        """The assets a current item covers (empty: unscoped)."""
        return self._covers[evidence_id]

    def _folded_at(self, asset_id: str, at: int) -> tuple[int, int, int, int]:
        """The pair's fold at `at`: the component-wise max of the unscoped fold and its own."""
        valid, expired, pending, rejected = self.unscoped_fold.at(at)
        own = self._own.get(asset_id)
        if own is not None:  # the asset's own fold, kept: a bisect
            o_valid, o_expired, o_pending, o_rejected = own.at(at)
            valid, expired = max(valid, o_valid), max(expired, o_expired)
            pending, rejected = max(pending, o_pending), max(rejected, o_rejected)
        elif mine := self.scoped.get(asset_id):
            valid, expired, pending, rejected, _lo, _hi = fold(
                mine.values(), at, valid=valid, expired=expired, pending=pending, rejected=rejected
            )
        return valid, expired, pending, rejected

    def _file(self, evidence_id: str, item: EvidenceItem, covers: tuple[str, ...]) -> None:
        self._covers[evidence_id] = covers
        for asset_id in covers:
            self.latest_own[asset_id] = max(self.latest_own.get(asset_id, NO_INSTANT), item[0])
        if not covers:
            self.latest_unscoped = max(self.latest_unscoped, item[0])
        if covers:
            added = None
            for asset_id in covers:
                self.scoped.setdefault(asset_id, {})[evidence_id] = item
                own = self._own.get(asset_id)
                if own is not None:  # one more item: the max of the folds, from its instant on
                    added = added or fold_timeline([item])
                    self._own[asset_id] = splice_fold(own, merge_max(own, added, item[0]))
        else:
            self.unscoped[evidence_id] = item

    def _take(self, evidence_id: str) -> tuple[tuple[str, ...], int]:
        """The item leaves (superseded): (its covers, its `collected_at`)."""
        covered = self._covers.pop(evidence_id)
        if not covered:
            return covered, self.unscoped.pop(evidence_id)[0]
        for asset_id in covered:
            mine = self.scoped[asset_id]
            since = mine.pop(evidence_id)[0]
            self._own.pop(asset_id, None)
            if not mine:
                del self.scoped[asset_id]
        return covered, since

    def _put(self, evidence_id: str, item: EvidenceItem) -> tuple[tuple[str, ...], int]:
        """The item's status changed (a review): (its covers, the earlier of both instants)."""
        covered, since = self._covers[evidence_id], item[0]
        for asset_id in covered:
            self._own.pop(asset_id, None)
        for mine in [self.scoped[a] for a in covered] if covered else [self.unscoped]:
            since = min(since, mine[evidence_id][0])
            mine[evidence_id] = item
        return covered, since
