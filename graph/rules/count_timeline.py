"""A control's count timeline: per segment, how many of its (control, asset) pairs are in each
evidence state (graph/rules/timeline.py `STATES`).

API (stable):

- `CountTimeline.build([(pair timeline, weight), ...])`: the sum of weighted pair timelines
  (a weight counts the assets sharing one timeline, e.g. those with no item or change of their
  own); one sweep over their segment starts.
- `move(old, new, weight, since)`: apply the difference `new - old` of one pair timeline in place,
  touching only the segments where the two states differ, walking them from `since` on (what a
  write costs, not a rebuild).
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
        starts, codes = timeline.starts, timeline.codes
        for k in range(len(starts)):
            self._shift(starts[k], starts[k + 1] if k + 1 < len(starts) else LATEST, -1, codes[k], weight)

    def remove(self, timeline: StateTimeline, weight: int = 1) -> None:
        self.add(timeline, -weight)

    def move(self, old: StateTimeline, new: StateTimeline, weight: int = 1, since: int = EARLIEST) -> None:
        """Count `weight` pairs as in `new` where they were counted as in `old`; the two are
        known to agree before `since` (only the segments from there on are walked)."""
        if not weight:
            return
        so, sn = old.starts, new.starts
        no, nn = len(so), len(sn)
        i, j = bisect_right(so, since) - 1, bisect_right(sn, since) - 1
        at = since
        run_start, run = since, (-1, -1)  # a run of pieces with the same (old, new) codes
        while True:
            while i + 1 < no and so[i + 1] <= at:
                i += 1
            while j + 1 < nn and sn[j + 1] <= at:
                j += 1
            pair = (old.codes[i], new.codes[j])
            if pair != run:
                if run[0] != run[1]:
                    self._shift(run_start, at, run[0], run[1], weight)
                run_start, run = at, pair
            following = min(so[i + 1] if i + 1 < no else LATEST, sn[j + 1] if j + 1 < nn else LATEST)
            if following == LATEST:
                break
            at = following
        if run[0] != run[1]:
            self._shift(run_start, LATEST, run[0], run[1], weight)

    def _split(self, at: int) -> int:
        """The index of the segment starting at `at`, made by splitting the one holding it."""
        if at == LATEST:
            return len(self.starts)
        i = bisect_right(self.starts, at) - 1
        if self.starts[i] == at:
            return i
        self.starts.insert(i + 1, at)
        self.counts[(i + 1) * N_STATES : (i + 1) * N_STATES] = self.counts[i * N_STATES : (i + 1) * N_STATES]
        return i + 1

    def _merge_at(self, i: int) -> None:
        """Drop the start of segment i if its counts equal the previous segment's."""
        if 0 < i < len(self.starts) and (
            self.counts[(i - 1) * N_STATES : i * N_STATES] == self.counts[i * N_STATES : (i + 1) * N_STATES]
        ):
            del self.starts[i]
            del self.counts[i * N_STATES : (i + 1) * N_STATES]

    def _shift(self, lo: int, hi: int, minus: int, plus: int, weight: int) -> None:
        """Over `[lo, hi)`: `weight` fewer pairs in state `minus` (-1: none) and more in `plus`."""
        first = self._split(lo)
        end = self._split(hi)
        counts = self.counts
        for k in range(first, end):
            if minus >= 0:
                counts[k * N_STATES + minus] -= weight
            counts[k * N_STATES + plus] += weight
        # Inside [lo, hi) every segment moved alike, so only the two ends can now equal a neighbour.
        self._merge_at(end)
        self._merge_at(first)
