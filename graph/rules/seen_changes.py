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

    def appended(self, asset_id: str, live: Sequence[int]) -> Sequence[int]:
        """The instants `live` has after those remembered, when it only grew at its end
        (empty otherwise: an instant inserted before a remembered one, or nothing new)."""
        seen = self.of(asset_id)
        n = len(seen)
        return live[n:] if len(live) > n and tuple(live[:n]) == seen else ()
