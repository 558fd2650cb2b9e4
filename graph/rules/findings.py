"""DESIGN.md "Findings" as pure functions: when a scanner finding makes a control with a
`finding_policy` not effective for the asset it affects.

At T a finding is open when `first_seen <= T` and it is not fixed by T (`fixed_at` none or
`> T`); it is overdue when open for longer than its severity's limit: `T - first_seen > limit`
(a severity the policy leaves out has no limit). So each finding is overdue exactly over one
window of instants, `[first_seen + limit + 1 µs, fixed_at)` (empty when fixed before its limit
ran out), and an asset is held back over the union of its findings' windows. While any is
overdue the control's (control, asset) pair fails with `OPEN_FINDINGS`, checked before every
evidence reason; the row names the oldest overdue finding (earliest `first_seen`, then natural
order of id) and `since` = its `first_seen`, so its age is `age_days(since, T)` and the row
itself holds between window edges (the stores remember states over such intervals).

A control with a policy that applies to no asset: no finding applies to it (the rule speaks per
asset the control applies to), so findings never hold it back. Carved-out controls are judged
by their vendors' reports alone (DESIGN.md "Carved-out control"); findings do not enter.

Instants are integer microseconds since the epoch, as in graph/rules/evaluation.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from graph.model import Finding, Severity
from graph.rules.evaluation import LATEST, to_micros

DAY_MICROS = 86_400_000_000

# (start, end, first_seen, sort key of the id) of one finding's overdue window `[start, end)`;
# tuples order by start first, which `oldest_overdue` does not rely on.
OverdueWindow = tuple[int, int, int, str]


def overdue_window(first_seen: int, fixed_at: int | None, limit_days: int | None, key: str) -> OverdueWindow | None:
    """The window of instants at which a finding is overdue, or None when it never is (no limit
    for its severity, or fixed before the limit ran out)."""
    if limit_days is None:
        return None
    start = first_seen + limit_days * DAY_MICROS + 1  # open for *longer than* the limit
    end = LATEST if fixed_at is None else fixed_at
    return (start, end, first_seen, key) if start < end else None


def finding_window(finding: Finding, policy: Mapping[Severity, int], key: str) -> OverdueWindow | None:
    """`overdue_window` of a finding under a control's policy (`key`: the id's sort key)."""
    fixed = None if finding.fixed_at is None else to_micros(finding.fixed_at)
    return overdue_window(to_micros(finding.first_seen), fixed, policy.get(finding.severity), key)


def oldest_overdue(
    windows: Iterable[OverdueWindow], at: int, lo: int, hi: int
) -> tuple[OverdueWindow | None, int, int]:
    """The oldest finding overdue at `at` (earliest first_seen, then id), and `[lo, hi)` narrowed
    to the window edges around `at`: which findings are overdue is the same all through it."""
    oldest: OverdueWindow | None = None
    for window in windows:
        start, end, first_seen, key = window
        if at < start:
            hi = min(hi, start)
        elif at < end:
            lo, hi = max(lo, start), min(hi, end)
            if oldest is None or (first_seen, key) < (oldest[2], oldest[3]):
                oldest = window
        else:
            lo = max(lo, end)
    return oldest, lo, hi


def age_days(first_seen: datetime, at: datetime) -> int:
    """Whole days a finding first seen at `first_seen` has been open at `at`."""
    return (at - first_seen) // timedelta(days=1)
