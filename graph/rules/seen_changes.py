"""The change instants each pair timeline of a control is made with (graph/rules/control_timeline.py).

A store moves an asset's live change list before it tells the timelines, so a pair timeline left
out of date must be brought up to date with the instants it was made with, not the live ones.
`instants` holds every instant ever remembered, once: a bound on the control's changes (never
lowered when an asset leaves: it only sends an unscoped item to the slower refold).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Sequence

from graph.rules.evaluation import LATEST


class SeenChanges:
    __slots__ = ("by_asset", "instants")

    def __init__(self) -> None:
        self.by_asset: dict[str, tuple[int, ...]] = {}
        self.instants: list[int] = []

    def of(self, asset_id: str) -> tuple[int, ...]:
        return self.by_asset.get(asset_id, ())

    def drop(self, asset_id: str) -> None:
        self.by_asset.pop(asset_id, None)

    def update(self, asset_id: str, live: Sequence[int]) -> int:
        """Remember `live` for the asset; the first instant where it differs from what was
        remembered (LATEST: none), from which the pair's timeline must be made again."""
        now, seen = tuple(live), self.of(asset_id)
        if now == seen:
            return LATEST
        k = 0
        while k < len(now) and k < len(seen) and now[k] == seen[k]:
            k += 1
        for at in now[k:]:
            i = bisect_left(self.instants, at)
            if i == len(self.instants) or self.instants[i] != at:
                insort(self.instants, at)
        self.by_asset[asset_id] = now
        return min(now[k] if k < len(now) else LATEST, seen[k] if k < len(seen) else LATEST)

    def added(self, asset_id: str, live: Sequence[int]) -> list[tuple[int, int]]:
        """Each instant `live` has beyond those remembered, with the next instant of `live` after
        it (LATEST: none), latest first; empty when `live` is not the remembered ones and more."""
        seen = self.of(asset_id)
        found: list[tuple[int, int]] = []
        j = 0
        for i, at in enumerate(live):
            if j < len(seen) and seen[j] == at:
                j += 1
            else:
                found.append((at, live[i + 1] if i + 1 < len(live) else LATEST))
        return found[::-1] if j == len(seen) else []
