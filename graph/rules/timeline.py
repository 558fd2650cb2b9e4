"""Status timelines: the evidence rules of DESIGN.md ("Semantics") over all instants at once.

Everything here is pure and store-agnostic (integer microseconds, `array`s, no pydantic), so
both stores build the same timelines from the same plain values.

API (stable; graph/rules/count_timeline.py and graph/rules/control_timeline.py build on it):

- `fold_timeline(items) -> FoldTimeline`: `graph.rules.evaluation.fold(items, T)`'s four
  accumulators (valid, expired, pending, rejected) as a piecewise-constant function of T.
  Breakpoints: each item's `collected_at`, each accepted item's end.
- `merge_max(a, b, since) -> FoldTimeline`: the fold timeline of the union of two item sets. Each
  of the four accumulators is a max, so the fold of a union is the component-wise max of the folds.
- `pair_timeline(fold, changes, since) -> StateTimeline`: `evidence_state(fold at T,
  changed_at(a, T), T)` for an asset whose sorted change instants are `changes`, as (state code,
  since) segments; adjacent equal segments are merged, so equal functions have equal timelines.
- `since` (default `EARLIEST`): compute only from that instant on (a write moves a pair only
  from its own instant on); `splice(old, suffix)` / `splice_fold` join the old timeline's
  segments before it to the suffix (`splice_into`: in place), so a write costs the segments after
  its instant.
- `union_pair_timeline(shared, own, changes, since)`: the same for the union of two item sets,
  without building their merged fold.
- `FoldTimeline.at(T)`, `StateTimeline.at(T) -> (code, since)`, `StateTimeline.state_at(T)`:
  a bisect. Codes index `STATES`; a `since` of `NO_INSTANT` is "none".
- `state_code(valid, expired, pending, rejected, changed)`: the state of one folded value.

A timeline is a sorted array of segment starts, the first `EARLIEST`; segment i holds on
`[starts[i], starts[i + 1])`, the last up to `LATEST`.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from heapq import heappop, heappush

from graph.rules.evaluation import (
    ACCEPTED,
    EARLIEST,
    LATEST,
    NO_INSTANT,
    PENDING,
    EvidenceItem,
    EvidenceState,
)

STATES: tuple[EvidenceState, ...] = (
    EvidenceState.OK,
    EvidenceState.STALE,
    EvidenceState.EXPIRED,
    EvidenceState.PENDING_REVIEW,
    EvidenceState.REJECTED,
    EvidenceState.NEVER_COLLECTED,
)
OK, STALE, EXPIRED, PENDING_REVIEW, REJECTED, NEVER_COLLECTED = range(len(STATES))
N_STATES = len(STATES)
CODE_OF = {state: code for code, state in enumerate(STATES)}

# (valid, expired, pending, rejected) of `fold`, NO_INSTANT where there is none.
Fold4 = tuple[int, int, int, int]
NOTHING: Fold4 = (NO_INSTANT, NO_INSTANT, NO_INSTANT, NO_INSTANT)


def _instants() -> array[int]:
    return array("q")


@dataclass(slots=True)
class FoldTimeline:
    """The four accumulators of the fold, per segment (parallel arrays)."""

    starts: array[int] = field(default_factory=_instants)
    valid: array[int] = field(default_factory=_instants)
    expired: array[int] = field(default_factory=_instants)
    pending: array[int] = field(default_factory=_instants)
    rejected: array[int] = field(default_factory=_instants)

    def append(self, start: int, value: Fold4) -> None:
        self.starts.append(start)
        self.valid.append(value[0])
        self.expired.append(value[1])
        self.pending.append(value[2])
        self.rejected.append(value[3])

    def value(self, i: int) -> Fold4:
        return self.valid[i], self.expired[i], self.pending[i], self.rejected[i]

    def at(self, at: int) -> Fold4:
        return self.value(bisect_right(self.starts, at) - 1)

    def __len__(self) -> int:
        return len(self.starts)


@dataclass(slots=True)
class StateTimeline:
    """(state code, since) per segment (parallel arrays)."""

    starts: array[int] = field(default_factory=_instants)
    codes: array[int] = field(default_factory=lambda: array("b"))
    sinces: array[int] = field(default_factory=_instants)

    def at(self, at: int) -> tuple[int, int]:
        i = bisect_right(self.starts, at) - 1
        return self.codes[i], self.sinces[i]

    def state_at(self, at: int) -> tuple[EvidenceState, int | None]:
        code, since = self.at(at)
        return STATES[code], None if since == NO_INSTANT else since

    def __len__(self) -> int:
        return len(self.starts)


def fold_timeline(items: Iterable[EvidenceItem]) -> FoldTimeline:
    """`fold(items, T)` for every T, swept once over the items sorted by `collected_at`."""
    ordered = sorted(items)
    instants: set[int] = set()
    expiries: list[tuple[int, int]] = []  # (from when, end) of accepted items: expired once both passed
    for collected, end, status in ordered:
        instants.add(collected)
        if status == ACCEPTED:
            instants.add(end)
            expiries.append((max(collected, end), end))
    expiries.sort()
    timeline = FoldTimeline()
    timeline.append(EARLIEST, NOTHING)
    last = NOTHING
    live: list[tuple[int, int]] = []  # (-collected, end) of accepted items started: a max-heap
    expired = pending = rejected = NO_INSTANT
    i = j = 0
    n, m = len(ordered), len(expiries)
    for at in sorted(instants):
        while i < n and ordered[i][0] <= at:
            collected, end, status = ordered[i]
            i += 1
            if status == ACCEPTED:
                if collected < end:
                    heappush(live, (-collected, end))
            elif status == PENDING:
                pending = max(pending, collected)
            else:
                rejected = max(rejected, collected)
        while j < m and expiries[j][0] <= at:
            expired = max(expired, expiries[j][1])
            j += 1
        while live and live[0][1] <= at:  # ended: the newest still valid comes to the top
            heappop(live)
        value = (-live[0][0] if live else NO_INSTANT, expired, pending, rejected)
        if value != last:
            timeline.append(at, value)
            last = value
    return timeline


def merge_max(a: FoldTimeline, b: FoldTimeline, since: int = EARLIEST) -> FoldTimeline:
    """The component-wise max of two fold timelines: the fold timeline of the union of their
    items; only from `since` on (its first segment starts there: `splice_fold` it onto the old)."""
    merged = FoldTimeline()
    sa, sb = a.starts, b.starts
    na, nb = len(sa), len(sb)
    i, j = bisect_right(sa, since) - 1, bisect_right(sb, since) - 1
    at = since
    last: Fold4 | None = None
    while True:
        while i + 1 < na and sa[i + 1] <= at:
            i += 1
        while j + 1 < nb and sb[j + 1] <= at:
            j += 1
        value = (
            max(a.valid[i], b.valid[j]),
            max(a.expired[i], b.expired[j]),
            max(a.pending[i], b.pending[j]),
            max(a.rejected[i], b.rejected[j]),
        )
        if value != last:
            merged.append(at, value)
            last = value
        following = min(sa[i + 1] if i + 1 < na else LATEST, sb[j + 1] if j + 1 < nb else LATEST)
        if following == LATEST:
            return merged
        at = following


def splice_fold(old: FoldTimeline, suffix: FoldTimeline) -> FoldTimeline:
    """`old` before the first start of `suffix`, `suffix` from there on."""
    k = bisect_left(old.starts, suffix.starts[0])
    skip = 1 if k and old.value(k - 1) == suffix.value(0) else 0
    return FoldTimeline(
        old.starts[:k] + suffix.starts[skip:],
        old.valid[:k] + suffix.valid[skip:],
        old.expired[:k] + suffix.expired[skip:],
        old.pending[:k] + suffix.pending[skip:],
        old.rejected[:k] + suffix.rejected[skip:],
    )


def splice(old: StateTimeline, suffix: StateTimeline) -> StateTimeline:
    """`old` before the first start of `suffix`, `suffix` from there on (a write moves a pair
    only from some instant on: the rest is copied, not recomputed)."""
    k = bisect_left(old.starts, suffix.starts[0])
    skip = 1 if k and (old.codes[k - 1], old.sinces[k - 1]) == (suffix.codes[0], suffix.sinces[0]) else 0
    return StateTimeline(
        old.starts[:k] + suffix.starts[skip:],
        old.codes[:k] + suffix.codes[skip:],
        old.sinces[:k] + suffix.sinces[skip:],
    )


def state_code(valid: int, expired: int, pending: int, rejected: int, changed: int) -> tuple[int, int]:
    """`evidence_state` as (code, since) for `changed = changed_at(a, T)` (NO_INSTANT: never
    changed), which is at or before T by definition. The one place a pair's state is decided: a
    per-asset input such as the "blocked" intervals of DESIGN.md "Findings" enters as one more
    argument here (a code of its own, first in precedence) and as breakpoints of the sweeps below."""
    if valid != NO_INSTANT:
        if changed != NO_INSTANT and valid < changed:
            return STALE, changed
        return OK, NO_INSTANT
    if expired != NO_INSTANT:
        return EXPIRED, expired
    if pending != NO_INSTANT:
        return PENDING_REVIEW, pending
    if rejected != NO_INSTANT:
        return REJECTED, rejected
    return NEVER_COLLECTED, NO_INSTANT


def pair_timeline(fold: FoldTimeline, changes: Sequence[int] = (), since: int = EARLIEST) -> StateTimeline:
    """The (state, since) timeline of one (control, asset) pair whose items fold to `fold` and
    whose asset changed at the sorted instants `changes`; only from `since` on (its first
    segment starts there: `splice` it onto the old timeline)."""
    timeline = StateTimeline()
    starts = fold.starts
    nf, nc = len(starts), len(changes)
    i = bisect_right(starts, since) - 1
    j = bisect_right(changes, since)
    changed = changes[j - 1] if j else NO_INSTANT
    at = since
    last_code, last_since = -1, NO_INSTANT
    valid, expired, pending, rejected = fold.valid, fold.expired, fold.pending, fold.rejected
    while True:
        while i + 1 < nf and starts[i + 1] <= at:
            i += 1
        while j < nc and changes[j] <= at:
            changed = changes[j]
            j += 1
        code, since_ = state_code(valid[i], expired[i], pending[i], rejected[i], changed)
        if code != last_code or since_ != last_since:
            timeline.starts.append(at)
            timeline.codes.append(code)
            timeline.sinces.append(since_)
            last_code, last_since = code, since_
        following = min(starts[i + 1] if i + 1 < nf else LATEST, changes[j] if j < nc else LATEST)
        if following == LATEST:
            return timeline
        at = following


def splice_into(old: StateTimeline, suffix: StateTimeline) -> None:
    """`splice`, in place: `old`'s segments from the suffix's first start on are replaced."""
    k = bisect_left(old.starts, suffix.starts[0])
    skip = 1 if k and (old.codes[k - 1], old.sinces[k - 1]) == (suffix.codes[0], suffix.sinces[0]) else 0
    del old.starts[k:], old.codes[k:], old.sinces[k:]
    old.starts.extend(suffix.starts[skip:])
    old.codes.extend(suffix.codes[skip:])
    old.sinces.extend(suffix.sinces[skip:])


def union_pair_timeline(
    shared: FoldTimeline, own: FoldTimeline, changes: Sequence[int] = (), since: int = EARLIEST
) -> StateTimeline:
    """`pair_timeline(merge_max(shared, own), changes, since)` without building the merged fold
    (the pair of an asset with scoped items: the control's unscoped fold and the asset's own)."""
    timeline = StateTimeline()
    sa, sb = shared.starts, own.starts
    na, nb, nc = len(sa), len(sb), len(changes)
    i, j = bisect_right(sa, since) - 1, bisect_right(sb, since) - 1
    k = bisect_right(changes, since)
    changed = changes[k - 1] if k else NO_INSTANT
    at = since
    last_code, last_since = -1, NO_INSTANT
    while True:
        while i + 1 < na and sa[i + 1] <= at:
            i += 1
        while j + 1 < nb and sb[j + 1] <= at:
            j += 1
        while k < nc and changes[k] <= at:
            changed = changes[k]
            k += 1
        code, since_ = state_code(
            max(shared.valid[i], own.valid[j]),
            max(shared.expired[i], own.expired[j]),
            max(shared.pending[i], own.pending[j]),
            max(shared.rejected[i], own.rejected[j]),
            changed,
        )
        if code != last_code or since_ != last_since:
            timeline.starts.append(at)
            timeline.codes.append(code)
            timeline.sinces.append(since_)
            last_code, last_since = code, since_
        following = min(
            sa[i + 1] if i + 1 < na else LATEST, sb[j + 1] if j + 1 < nb else LATEST, changes[k] if k < nc else LATEST
        )
        if following == LATEST:
            return timeline
        at = following


def changed_from(old: StateTimeline, at: int, until: int = LATEST) -> StateTimeline:
    """The pair's timeline if its asset also changed at `at` (its next change at `until`), for a
    pair none of whose items was collected at or after `at`: every valid item is then older than
    the change, so on [at, until) an OK or stale pair is stale since `at` and the other states
    (no valid item) stay; from `until` on nothing moves. A change costs the segments after it,
    no fold."""
    starts, codes, sinces = old.starts, old.codes, old.sinces
    k = bisect_right(starts, at) - 1
    keep = k + 1 if starts[k] < at else k
    new = StateTimeline(starts[:keep], codes[:keep], sinces[:keep])

    def put(start: int, code: int, since: int) -> None:
        if not (new.starts and new.codes[-1] == code and new.sinces[-1] == since):
            new.starts.append(start)
            new.codes.append(code)
            new.sinces.append(since)

    i, n = k, len(starts)
    while i < n and starts[i] < until:
        code, since = codes[i], sinces[i]
        put(max(starts[i], at), *((STALE, at) if code in (OK, STALE) else (code, since)))
        i += 1
    if until != LATEST:  # the later change rules from its instant on, as before
        j = bisect_right(starts, until) - 1
        put(until, codes[j], sinces[j])
        for i in range(j + 1, n):
            put(starts[i], codes[i], sinces[i])
    return new
