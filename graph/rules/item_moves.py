"""What one more unscoped evidence item does to a control's count timeline, without looking at
its pairs (issue 15: an unscoped write used to refold every (control, asset) pair).

Pure. Every pair's fold is `max(unscoped fold, own fold)` component-wise, so one more unscoped
item (collected c, end e, status) raises the same accumulator for every pair alike, and the
state code of each pair moves by a rule of its old code alone (DESIGN.md "Semantics"; the
precedence is `graph.rules.timeline.state_code`'s: valid, expired, pending, rejected):

- accepted, c < e: on [c, e) the pair has a valid item collected at c or later, so it is OK
  unless its asset changed after c and by T (stale). If no asset of the control changed in
  (c, e), every code becomes OK there. From e on the item is expired: a pair with no valid item
  (expired, pending, rejected, never collected) is expired; OK and stale pairs keep their
  valid item.
- accepted, c >= e: expired from c on, as above.
- pending: from c on, rejected and never-collected pairs are pending review.
- rejected: from c on, never-collected pairs are rejected.

`moves(item, changes)` returns these as (lo, hi, [(from code, to code), ...]) windows, or None
when an asset changed in (c, e) (those pairs move by their own change: the caller refolds); a
store that asks the database whether one did uses `valid_window` and `moves_unchanged`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from graph.rules.evaluation import ACCEPTED, LATEST, PENDING, EvidenceItem
from graph.rules.timeline import EXPIRED, NEVER_COLLECTED, OK, PENDING_REVIEW, REJECTED, STALE

Move = tuple[int, int]
Window = tuple[int, int, tuple[Move, ...]]

_TO_OK: tuple[Move, ...] = tuple((code, OK) for code in (STALE, EXPIRED, PENDING_REVIEW, REJECTED, NEVER_COLLECTED))
_TO_EXPIRED: tuple[Move, ...] = ((PENDING_REVIEW, EXPIRED), (REJECTED, EXPIRED), (NEVER_COLLECTED, EXPIRED))
_TO_PENDING: tuple[Move, ...] = ((REJECTED, PENDING_REVIEW), (NEVER_COLLECTED, PENDING_REVIEW))
_TO_REJECTED: tuple[Move, ...] = ((NEVER_COLLECTED, REJECTED),)


def valid_window(item: EvidenceItem) -> tuple[int, int] | None:
    """[c, e) of an accepted item valid for a while: an asset changed inside it sends the item
    to the refold (`moves`); None for any other item."""
    collected, end, status = item
    return (collected, end) if status == ACCEPTED and collected < end else None


def moves_unchanged(item: EvidenceItem) -> list[Window]:
    """The count moves of one more unscoped `item`, given that no asset of the control changed
    inside its `valid_window`."""
    collected, end, status = item
    if status == PENDING:
        return [(collected, LATEST, _TO_PENDING)]
    if status != ACCEPTED:
        return [(collected, LATEST, _TO_REJECTED)]
    if collected >= end:
        return [(collected, LATEST, _TO_EXPIRED)]
    return [(collected, end, _TO_OK), (end, LATEST, _TO_EXPIRED)]


def moves(item: EvidenceItem, change_instants: Sequence[int]) -> list[Window] | None:
    """The count moves of one more unscoped `item`; `change_instants`: sorted, every change
    instant of the control's assets (more is fine: it only sends the caller to the refold)."""
    window = valid_window(item)
    if window is not None:
        i = bisect_right(change_instants, window[0])
        if i < len(change_instants) and change_instants[i] < window[1]:
            return None  # a pair changed while the item is valid may be stale: not one rule for all
    return moves_unchanged(item)
