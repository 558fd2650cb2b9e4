"""One control's status timelines, kept current write by write.

Pure and store-agnostic: a store feeds it the control's current evidence items (superseded ones
left out) as `graph.rules.evaluation.EvidenceItem` integers, its scope and its assets' change
instants, and tells it what each write moved. API (stable):

- `ControlTimelines(assets, items, changes)`: `items` maps evidence id -> (item, covers), covers
  empty for an unscoped item; `changes` is a live mapping asset -> sorted change instants (read
  whenever a pair is recomputed, so the store keeps one copy). `lazy=True`: no timeline is made
  until `build()`; meanwhile reads fold each pair at T and writes only file their items.
- Reads: `item(id)`, `counts_at(T)` (per `STATES` code; a control with no asset counts one pseudo-pair over
  all its items), `state_at(asset, T)`, `failing_at(T, order)`, and `*_assuming(T, assets,
  moment)` for a supposed change of `assets` at `moment` (impact: what-if, nothing kept).
- Writes (each applies `old - new` of the pair timelines it moves to `counts`):
  `add_item(id, item, covers)`, `remove_item(id)` (superseded), `replace_item(id, item)`
  (a review changed its status), `changes_moved(assets, since)` (after their change lists grew, from `since` on),
  `add_asset(a)` / `remove_asset(a)` (APPLIES_TO edits). A control's frequency or status change
  is a rebuild (a new `ControlTimelines`).

Assets with no scoped item and no change ("plain") share the unscoped timeline and are counted as
a multiplicity; every other in-scope asset keeps its own pair timeline. Memory per control:
the unscoped fold timeline (5 int64 per segment, segments <= 2 x unscoped items + 1), one state
timeline per non-plain pair (17 bytes per segment) and the count timeline (7 int64 per segment).

One more unscoped item moves the counts by a rule per state code (graph/rules/item_moves.py), not
pair by pair (refolding every pair was most of a write's cost); the pair timelines are then out of
date from its instant on (`_stale_since`), each brought up to date (`_pair`) only before its own
data moves or a refold of all, and a read past that instant folds the pair at T (`_state`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection, Iterable, Mapping, Sequence

from graph.rules import item_moves
from graph.rules.control_items import ControlItems
from graph.rules.count_timeline import Counts, CountTimeline, Deltas, difference, remapped
from graph.rules.evaluation import EARLIEST, LATEST, NO_INSTANT, EvidenceItem
from graph.rules.seen_changes import SeenChanges
from graph.rules.timeline import (
    N_STATES,
    OK,
    StateTimeline,
    changed_from,
    fold_timeline,
    merge_max,
    pair_timeline,
    splice,
    splice_fold,
    splice_into,
    state_code,
    union_pair_timeline,
)

NO_ASSET = ""  # the key of the pseudo-pair of a control that applies to no asset


class ControlTimelines(ControlItems):
    plain: StateTimeline  # the timeline every plain asset shares (no asset: the pseudo-pair's)
    plain_count: int
    pairs: dict[str, StateTimeline]  # per non-plain asset in scope (see `settle`)
    counts: CountTimeline  # (not before `build` for a control made lazy)
    built: bool
    _stale_since: int  # pair timelines are up to date before it; from it on, those in _fresh
    _fresh: set[str]
    _seen: SeenChanges  # per pair, the change instants its timeline is made with

    def __init__(
        self,
        assets: Iterable[str],
        items: Mapping[str, tuple[EvidenceItem, Sequence[str]]],
        changes: Mapping[str, Sequence[int]],
        lazy: bool = False,
    ) -> None:
        super().__init__(items)
        self.assets: set[str] = set(assets)
        self._changes = changes
        self._rebuild(lazy and bool(self.assets))

    # -- reads ----------------------------------------------------------------------------------

    def counts_at(self, at: int) -> Counts:
        if self.built:
            return self.counts.at(at)
        counts = [0] * N_STATES
        for asset_id in self.assets:
            counts[self._state(asset_id, at)[0]] += 1
        return tuple(counts)

    def build(self) -> None:
        """Make the timelines of a control made `lazy` (until then reads fold each pair at T)."""
        if not self.built:
            self._rebuild()

    def state_at(self, asset_id: str, at: int) -> tuple[int, int]:
        """(state code, since or NO_INSTANT) of one pair (NO_ASSET: the pseudo-pair)."""
        return self._state(asset_id, at)

    def failing_at(
        self, at: int, in_order: Iterable[str] | None = None, supposed: Collection[str] = (), moment: int = 0
    ) -> list[tuple[str, int, int]]:
        """(asset, code, since) of the pairs not OK at `at`, over `in_order` (the assets in the
        order wanted; default: as kept), each of `supposed` as if it had changed at `moment`."""
        if not self.assets:
            code, since = self.plain.at(at)
            return [] if code == OK else [(NO_ASSET, code, since)]
        plain_code, plain_since = self.plain.at(at)
        pairs = self.pairs
        rows = []
        for asset_id in self.assets if in_order is None else in_order:
            if asset_id in supposed:
                code, since = self.supposed_at(asset_id, at, moment)
            elif self.built and asset_id not in pairs:
                code, since = plain_code, plain_since
            else:
                code, since = self._state(asset_id, at)
            if code != OK:
                rows.append((asset_id, code, since))
        return rows

    def supposed_at(self, asset_id: str, at: int, moment: int) -> tuple[int, int]:
        """The pair's (code, since) at `at` if `changed_at(asset, at)` were `moment`."""
        # changed_at(a, T) is at or before T: a change supposed after T is none yet (as Cypher's).
        return state_code(*self._folded_at(asset_id, at), moment if moment <= at else NO_INSTANT)

    def counts_assuming(self, at: int, assets: Collection[str], moment: int) -> Counts:
        """`counts_at(at)` as if each of `assets` in scope had changed at `moment`."""
        counts = list(self.counts_at(at))
        plain_supposed: tuple[int, int] | None = None
        for asset_id in assets:
            if asset_id not in self.assets:
                continue
            if asset_id not in self.pairs if self.built else self._is_plain(asset_id):  # one fold, one state
                if plain_supposed is None:
                    plain_supposed = self.supposed_at(asset_id, at, moment)
                before, after = self.plain.at(at)[0], plain_supposed[0]
            else:
                before, after = self._state(asset_id, at)[0], self.supposed_at(asset_id, at, moment)[0]
            counts[before] -= 1
            counts[after] += 1
        return tuple(counts)

    def settle(self) -> dict[str, StateTimeline]:
        """Every pair timeline brought up to date, and returned (tests compare with a fresh build)."""
        for asset_id in self.pairs:
            self._pair(asset_id)
        self._stale_since, self._fresh = LATEST, set()
        return self.pairs

    def _state(self, asset_id: str, at: int) -> tuple[int, int]:
        """A pair's (code, since) at `at`: a bisect in its timeline where that is up to date, else
        the fold at `at` of the unscoped items and its own (what the timeline would hold there)."""
        own = self.pairs.get(asset_id)
        if own is None and (self.built or self._is_plain(asset_id)):
            return self.plain.at(at)
        if own is not None and (at < self._stale_since or asset_id in self._fresh):
            return own.at(at)
        seen = self._seen.of(asset_id) if self.built else self._changes.get(asset_id, ())
        k = bisect_right(seen, at)
        return state_code(*self._folded_at(asset_id, at), seen[k - 1] if k else NO_INSTANT)

    # -- writes ---------------------------------------------------------------------------------
    # An item moves the fold only from its `collected_at` on, a change only from its instant on:
    # each write recomputes the pairs it moves from that instant (`since`) and splices. A pair
    # whose own data moves is brought up to date first (`_pair`), with its data as it was.

    def add_item(self, evidence_id: str, item: EvidenceItem, covers: Sequence[str] = ()) -> None:
        covered, since = tuple(covers), item[0]
        if not self.built:
            self._file(evidence_id, item, covered)
            self._unbuilt_moved(covered, since)
            return
        windows = item_moves.moves(item, self._seen.instants) if self.assets and not covered else None
        if covered:
            self._up_to_date(covered)
        elif self.assets and windows is None:
            self.settle()  # the refold below moves every pair from its up-to-date timeline
        self._file(evidence_id, item, covered)
        if not covered:  # one more item: the fold of the union is the max of the folds
            added = merge_max(self.unscoped_fold, fold_timeline([item]), since)
            self.unscoped_fold = splice_fold(self.unscoped_fold, added)
        if not self.assets:
            self._rebuild_pseudo()
        elif covered:
            self._recompute((a for a in covered if a in self.assets), since)
        elif windows is None:
            self._unscoped_moved(since)
        else:
            self._unscoped_item_moved(windows, since)

    def remove_item(self, evidence_id: str) -> None:
        self._before_item_moves(evidence_id)
        self._items_moved(*self._take(evidence_id))

    def replace_item(self, evidence_id: str, item: EvidenceItem) -> None:
        self._before_item_moves(evidence_id)
        self._items_moved(*self._put(evidence_id, item))

    def changes_moved(self, assets: Iterable[str], since: int = EARLIEST) -> None:
        """The assets' change lists gained instants, none before `since`."""
        if not self.built:
            return
        moved = [a for a in assets if a in self.assets]
        self._up_to_date(moved)  # with the instants it was made with (`_seen`)
        self._recompute(moved, since, changes_only=True)

    def add_asset(self, asset_id: str) -> None:
        if asset_id in self.assets:
            return
        self.assets.add(asset_id)
        if not self.built:
            return
        if len(self.assets) == 1:  # the pseudo-pair leaves: from now on pairs are per asset
            self._rebuild()
            return
        self.plain_count += 1
        self.counts.add(self.plain)
        self._recompute([asset_id], EARLIEST)

    def remove_asset(self, asset_id: str) -> None:
        if asset_id not in self.assets:
            return
        self._up_to_date([asset_id])
        self.assets.discard(asset_id)
        if not self.built and self.assets:
            return
        if not self.assets:
            self._rebuild()
            return
        own = self.pairs.pop(asset_id, None)
        self._seen.drop(asset_id)
        self._fresh.discard(asset_id)
        if own is None:
            self.plain_count -= 1
            self.counts.remove(self.plain)
        else:
            self.counts.remove(own)

    # -- internals ------------------------------------------------------------------------------

    def _is_plain(self, asset_id: str) -> bool:
        return asset_id not in self.scoped and not self._changes.get(asset_id)

    def _suffix(self, asset_id: str, since: int, changes: Sequence[int]) -> StateTimeline:
        """The pair's timeline from `since` on (its first segment starts there)."""
        mine = self.scoped.get(asset_id)
        if not mine:
            return pair_timeline(self.unscoped_fold, changes, since)
        own = self._own.get(asset_id)
        if own is None:
            own = self._own[asset_id] = fold_timeline(mine.values())
        return union_pair_timeline(self.unscoped_fold, own, changes, since)

    def _pair(self, asset_id: str) -> StateTimeline:
        """The pair's timeline, brought up to date from `_stale_since` on if it is not."""
        timeline = self.pairs[asset_id]
        if self._stale_since != LATEST and asset_id not in self._fresh:
            splice_into(timeline, self._suffix(asset_id, self._stale_since, self._seen.of(asset_id)))
            self._fresh.add(asset_id)
        return timeline

    def _up_to_date(self, assets: Iterable[str]) -> None:
        for asset_id in (a for a in assets if a in self.pairs):
            self._pair(asset_id)

    def _before_item_moves(self, evidence_id: str) -> None:
        covered = self._covers[evidence_id]
        self._up_to_date(covered) if covered else self.settle()

    def _pseudo(self) -> StateTimeline:
        """A control applying to no asset: one pair over all its items, never changed."""
        every = [item for mine in self.scoped.values() for item in mine.values()]
        return pair_timeline(merge_max(self.unscoped_fold, fold_timeline(every)) if every else self.unscoped_fold)

    def _rebuild(self, lazy: bool = False) -> None:
        self.unscoped_fold = fold_timeline(self.unscoped.values())
        self.pairs, self._seen = {}, SeenChanges()
        self._stale_since, self._fresh = LATEST, set()
        self.built = not lazy
        if lazy:  # what reads need to fold a pair at T: the unscoped fold and the plain timeline
            self.plain = pair_timeline(self.unscoped_fold)
            return
        if not self.assets:
            self.plain = self._pseudo()
            self.plain_count = 1
            self.counts = CountTimeline.build([(self.plain, 1)])
            return
        self.plain = pair_timeline(self.unscoped_fold)
        for asset_id in self.assets:
            if not self._is_plain(asset_id):
                self._seen.update(asset_id, self._changes.get(asset_id, ()))
                self.pairs[asset_id] = self._suffix(asset_id, EARLIEST, self._seen.of(asset_id))
        self.plain_count = len(self.assets) - len(self.pairs)
        weighted = [(self.plain, self.plain_count)]
        weighted += [(timeline, 1) for timeline in self.pairs.values()]
        self.counts = CountTimeline.build(weighted)

    def _rebuild_pseudo(self) -> None:
        old, self.plain = self.plain, self._pseudo()
        self.counts.move(old, self.plain)

    def _unbuilt_moved(self, covered: tuple[str, ...], since: int) -> None:
        """Not built: only the unscoped fold and the plain timeline move (reads fold the rest)."""
        if not covered:
            self.unscoped_fold = fold_timeline(self.unscoped.values())
            splice_into(self.plain, pair_timeline(self.unscoped_fold, (), since))

    def _items_moved(self, covered: tuple[str, ...], since: int) -> None:
        if not self.built:
            self._unbuilt_moved(covered, since)
            return
        if not covered:
            self.unscoped_fold = fold_timeline(self.unscoped.values())
        if not self.assets:
            self._rebuild_pseudo()
        elif covered:
            self._recompute((a for a in covered if a in self.assets), since)
        else:
            self._unscoped_moved(since)

    def _unscoped_item_moved(self, windows: list[item_moves.Window], since: int) -> None:
        """One more unscoped item (item_moves.py): the counts move per code, the plain timeline
        is remade from `since`, the other pairs fall out of date there."""
        deltas: Deltas = {}
        for lo, hi, moves in windows:
            remapped(self.counts, lo, hi, moves, deltas)
        self.counts.apply(deltas)
        splice_into(self.plain, pair_timeline(self.unscoped_fold, (), since))
        if self.pairs:
            self._stale_since = min(self._stale_since, since)
            self._fresh.clear()

    def _unscoped_moved(self, since: int) -> None:
        """The unscoped fold changed from `since` on (every pair up to date before it did):
        plain assets move together, every other pair on its own; the count deltas of all of
        them are applied in one sweep."""
        deltas: Deltas = {}
        suffix = pair_timeline(self.unscoped_fold, (), since)
        difference(self.plain, suffix, self.plain_count, since, deltas)
        splice_into(self.plain, suffix)
        for asset_id, timeline in self.pairs.items():
            suffix = self._suffix(asset_id, since, self._seen.of(asset_id))
            difference(timeline, suffix, 1, since, deltas)
            splice_into(timeline, suffix)
        self.counts.apply(deltas)

    def _changed_after_items(self, asset_id: str, deltas: Deltas) -> bool:
        """A pair whose asset gained changes after every item the pair has: moved by
        `changed_from` (no fold); False when that does not hold (the caller refolds)."""
        live = self._changes.get(asset_id, ())
        added = self._seen.added(asset_id, live)  # latest first: each `until` is then in place
        latest = max(self.latest_unscoped, self.latest_own.get(asset_id, NO_INSTANT))
        if not added or added[-1][0] <= latest:
            return False
        old = self.pairs.get(asset_id)
        base = self.plain if old is None else old  # None: a plain asset's first change
        new = base
        for at, until in added:
            new = changed_from(new, at, until)
        difference(base, new, 1, added[-1][0], deltas)
        if old is None:
            self.plain_count -= 1
        self.pairs[asset_id] = new
        self._seen.update(asset_id, live)
        if self._stale_since != LATEST:
            self._fresh.add(asset_id)
        return True

    def _recompute(self, assets: Iterable[str], since: int, changes_only: bool = False) -> None:
        """Recompute the pairs of `assets` (in scope, up to date) from `since` on, after their
        own items or changes moved there; a plain asset that stops being plain leaves the
        multiplicity, and the other way round."""
        deltas: Deltas = {}
        for asset_id in set(assets):
            if changes_only and self._changed_after_items(asset_id, deltas):
                continue
            old = self.pairs.get(asset_id)
            if self._is_plain(asset_id):
                if old is not None:
                    del self.pairs[asset_id]
                    self._seen.drop(asset_id)
                    self.plain_count += 1
                    difference(old, self.plain, 1, since, deltas)
                continue
            start = min(since, self._seen.update(asset_id, self._changes.get(asset_id, ())))
            suffix = self._suffix(asset_id, start, self._seen.of(asset_id))
            if old is None:  # leaves the plain ones: its own copy of their timeline, then its own
                self.plain_count -= 1
                difference(self.plain, suffix, 1, start, deltas)
                self.pairs[asset_id] = splice(self.plain, suffix)
            else:
                difference(old, suffix, 1, start, deltas)
                splice_into(old, suffix)
            if self._stale_since != LATEST:
                self._fresh.add(asset_id)
        self.counts.apply(deltas)
