"""A control's count timeline: per segment, how many of its (control, asset) pairs are in each
evidence state (graph/rules/timeline.py `STATES`).

API (stable):

- `CountTimeline.build([(pair timeline, weight), ...])`: the sum of weighted pair timelines
  (a weight counts the assets sharing one timeline, e.g. those with no item or change of their
  own); one sweep over their segment starts.
- `move(old, new, weight, since)`: apply the difference `new - old` of one pair timeline in place,
  walking both from `since` on (what a write costs, not a rebuild). For many pairs at once,
  collect `difference(old, new, weight, since, deltas)` (and `weighted(timeline, w, deltas)`) into
  one `Deltas` and `apply(deltas)` once: one sweep over the segments after the earliest delta.
  `add(timeline, weight)` / `remove(...)` for a pair that joins or leaves.
- `at(T) -> tuple of N_STATES counts`, `segments()` (start, counts) for persisting or comparing.

Canonical form: adjacent segments always differ, so a timeline maintained by `move` equals the
one `build` gives from the same pairs (`==`).
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterable

from graph.rules.evaluation import EARLIEST, LATEST
from graph.rules.timeline import N_STATES, StateTimeline

Counts = tuple[int, ...]


class CountTimeline:
    """Segment starts and, flat with a stride of N_STATES, the counts of each segment."""

    __slots__ = ("counts", "starts")

    def __init__(self) -> None:
        self.starts = array("q", [EARLIEST])
        self.counts = array("q", bytes(8 * N_STATES))

    @classmethod
    def build(cls, weighted: Iterable[tuple[StateTimeline, int]]) -> CountTimeline:
        deltas: dict[int, list[int]] = {}
        for timeline, weight in weighted:
            if not weight:
                continue
            starts, codes = timeline.starts, timeline.codes
            for k in range(len(starts)):
                step = deltas.setdefault(starts[k], [0] * N_STATES)
                step[codes[k]] += weight
                if k + 1 < len(starts):
                    deltas.setdefault(starts[k + 1], [0] * N_STATES)[codes[k]] -= weight
        found = cls()
        current = [0] * N_STATES
        for at in sorted(deltas):
            step = deltas[at]
            for code in range(N_STATES):
                current[code] += step[code]
            if at == EARLIEST:
                found.counts[0:N_STATES] = array("q", current)
            elif list(found.counts[-N_STATES:]) != current:
                found.starts.append(at)
                found.counts.extend(current)
        return found

    def at(self, at: int) -> Counts:
        i = bisect_right(self.starts, at) - 1
        return tuple(self.counts[i * N_STATES : (i + 1) * N_STATES])

    def segments(self) -> list[tuple[int, Counts]]:
        return [
            (self.starts[i], tuple(self.counts[i * N_STATES : (i + 1) * N_STATES])) for i in range(len(self.starts))
        ]

    def __len__(self) -> int:
        return len(self.starts)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CountTimeline) and self.starts == other.starts and self.counts == other.counts

    __hash__ = None  # type: ignore[assignment]  # mutable

    def add(self, timeline: StateTimeline, weight: int = 1) -> None:
        deltas: Deltas = {}
        weighted(timeline, weight, deltas)
        self.apply(deltas)

    def remove(self, timeline: StateTimeline, weight: int = 1) -> None:
        self.add(timeline, -weight)

    def move(self, old: StateTimeline, new: StateTimeline, weight: int = 1, since: int = EARLIEST) -> None:
        """Count `weight` pairs as in `new` where they were counted as in `old`; the two are
        known to agree before `since` (only the segments from there on are walked)."""
        deltas: Deltas = {}
        difference(old, new, weight, since, deltas)
        self.apply(deltas)

    def apply(self, deltas: Deltas) -> None:
        """Add `deltas` (per instant, the change of each count from that instant on) in one sweep
        over the segments from the earliest of them on; the segments after the last delta that
        leaves nothing pending are copied as they are."""
        if not deltas:
            return
        keys = sorted(deltas)
        starts, counts = self.starts, self.counts
        ns, nk = len(starts), len(keys)
        i = first = bisect_right(starts, keys[0]) - 1
        new_starts, new_counts = array("q"), array("q")
        previous = list(counts[(first - 1) * N_STATES : first * N_STATES]) if first else None
        pending = [0] * N_STATES
        at, k = starts[first], 0
        while True:
            while i + 1 < ns and starts[i + 1] <= at:
                i += 1
            while k < nk and keys[k] <= at:
                step = deltas[keys[k]]
                for code in range(N_STATES):
                    pending[code] += step[code]
                k += 1
            base = i * N_STATES
            value = [counts[base + code] + pending[code] for code in range(N_STATES)]
            if value != previous:
                new_starts.append(at)
                new_counts.extend(value)
                previous = value
            if k == nk and not any(pending):  # the rest stands as it was (and still differs from here)
                new_starts.extend(starts[i + 1 :])
                new_counts.extend(counts[base + N_STATES :])
                break
            following = min(starts[i + 1] if i + 1 < ns else LATEST, keys[k] if k < nk else LATEST)
            if following == LATEST:
                break
            at = following
        starts[first:] = new_starts
        counts[first * N_STATES :] = new_counts


# Per instant, how each state's count changes from that instant on (collected over many pairs,
# then applied in one sweep: `CountTimeline.apply`).
Deltas = dict[int, list[int]]


def _step(deltas: Deltas, at: int, code: int, weight: int) -> None:
    step = deltas.get(at)
    if step is None:
        step = deltas[at] = [0] * N_STATES
    step[code] += weight


def weighted(timeline: StateTimeline, weight: int, into: Deltas) -> None:
    """`weight` more pairs counted as in `timeline` (negative: fewer)."""
    starts, codes = timeline.starts, timeline.codes
    for k in range(len(starts)):
        _step(into, starts[k], codes[k], weight)
        if k + 1 < len(starts):
            _step(into, starts[k + 1], codes[k], -weight)


def moved_on(into: Deltas, start: int, end: int, source: int, target: int, weight: int) -> None:
    """The deltas that count `weight` pairs as `target` instead of `source` on [start, end)."""
    _step(into, start, source, -weight)
    _step(into, start, target, weight)
    if end != LATEST:
        _step(into, end, source, weight)
        _step(into, end, target, -weight)


def difference(old: StateTimeline, new: StateTimeline, weight: int, since: int, into: Deltas) -> None:
    """The deltas that count `weight` pairs as in `new` instead of `old` (equal before `since`);
    `new` may be a suffix starting at `since`."""
    if not weight:
        return
    so, sn = old.starts, new.starts
    no, nn = len(so), len(sn)
    i, j = bisect_right(so, since) - 1, max(bisect_right(sn, since) - 1, 0)
    at = since
    while True:
        while i + 1 < no and so[i + 1] <= at:
            i += 1
        while j + 1 < nn and sn[j + 1] <= at:
            j += 1
        following = min(so[i + 1] if i + 1 < no else LATEST, sn[j + 1] if j + 1 < nn else LATEST)
        was, now = old.codes[i], new.codes[j]
        if was != now:
            moved_on(into, at, following, was, now, weight)
        if following == LATEST:
            return
        at = following


def remapped(counts: CountTimeline, lo: int, hi: int, moves: Iterable[tuple[int, int]], into: Deltas) -> None:
    """The deltas that, on [lo, hi), count every pair of each `from` code as `to` instead
    (`moves`: (from, to) pairs, from codes distinct); one step per count segment in the window."""
    starts, values = counts.starts, counts.counts
    n = len(starts)
    i = bisect_right(starts, lo) - 1
    while i < n and starts[i] < hi:
        begin = max(starts[i], lo)
        finish = min(starts[i + 1] if i + 1 < n else LATEST, hi)
        base = i * N_STATES
        for source, target in moves:
            moving = values[base + source]
            if moving:
                moved_on(into, begin, finish, source, target, moving)
        i += 1
