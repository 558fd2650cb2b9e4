"""What one more change does to a pair's states, by rule instead of by folding its timelines twice:
the pairs of a `recordChange` (one new instant each).

A change at T moves a pair only on [T, next change) and only between OK and stale: a state with a
valid item reads OK when the newest valid item is not older than the latest change, and every
other state ignores changes. Before the write, the pair was OK there while an item collected in
[previous change, T) was valid; after it, only items collected at or after T count as fresh. So
the pair turns from OK to stale on [T, until) (`until`: the last expiry of the items valid at T
that were fresh, bounded by the next change) except where an accepted item collected at or after
T is valid (it keeps the pair OK in both). Every other instant and state stays as it was.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from graph.rules.evaluation import ACCEPTED, LATEST, NO_INSTANT, EvidenceItem


class ItemsAround:
    """Some items of a pair seen from instant `at`: those valid at `at` collected before it (kept
    so that the last expiry of those collected at or after any instant is a bisect) and the
    validity intervals of the accepted ones collected at or after it."""

    def __init__(self, items: Sequence[EvidenceItem], at: int) -> None:
        valid = sorted((c, end) for c, end, status in items if status == ACCEPTED and c < at < end)
        self.collected = [c for c, _end in valid]
        self.expiry_from = [0] * len(valid)  # the last expiry of valid[i:]
        last = NO_INSTANT
        for i in range(len(valid) - 1, -1, -1):
            last = max(last, valid[i][1])
            self.expiry_from[i] = last
        self.later = sorted((c, end) for c, end, status in items if status == ACCEPTED and c >= at and c < end)

    def fresh_until(self, changed: int) -> int:
        """The last expiry of the items valid at `at` collected at or after `changed` (not stale
        before the new change), or NO_INSTANT: none."""
        i = bisect_left(self.collected, changed)
        return self.expiry_from[i] if i < len(self.collected) else NO_INSTANT


def ok_to_stale(shared: ItemsAround, own: ItemsAround | None, before: Sequence[int], at: int) -> list[tuple[int, int]]:
    """The windows [start, end) on which a pair turns from OK to stale when its asset also
    changes at `at` (not one of `before`, its other change instants, sorted); `shared` and `own`:
    its unscoped and scoped items seen from `at`. In time order; empty: nothing moves."""
    k = bisect_right(before, at)
    changed = before[k - 1] if k else NO_INSTANT
    until = shared.fresh_until(changed)
    if own is not None:
        until = max(until, own.fresh_until(changed))
    end = min(until, before[k] if k < len(before) else LATEST)
    if end <= at:  # NO_INSTANT included: nothing was OK by an older item
        return []
    later = shared.later if own is None else sorted([*shared.later, *own.later])
    windows, cursor = [], at
    for start, stop in later:  # where a later item is valid, the pair stays OK
        if start >= end:
            break
        if start > cursor:
            windows.append((cursor, start))
        cursor = max(cursor, stop)
        if cursor >= end:
            return windows
    windows.append((cursor, end))
    return windows
