"""An independent reference for Type II period gaps, written from DESIGN.md alone.

"Period gaps (Type II)": over `[start, end)`, an implemented control of frequency F expects
accepted evidence in each consecutive interval `[start + i·F, start + (i+1)·F)` (the last one
cut at `end`); an interval is operated when some accepted, non-superseded item of the control
was collected inside it or observed part of it (`[period_start, period_end)` overlaps it); each
interval not operated is a gap. It reads a bundle (a store's export) with none of
`graph.queries` or `graph.rules`, so a store or a query that drifts from the rule disagrees.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from graph.bundle import Bundle
from graph.model import Evidence

# "Validity": continuous and daily 1 day, weekly 7, monthly 31, quarterly 92, semiannual 183, annual 366.
_DAYS = {"continuous": 1, "daily": 1, "weekly": 7, "monthly": 31, "quarterly": 92, "semiannual": 183, "annual": 366}


def reference_gaps(
    bundle: Bundle, start: datetime, end: datetime, controls: Collection[str] | None = None
) -> dict[str, list[bool]]:
    """Per implemented control (of `controls`, or all), whether each of its intervals is a gap."""
    superseded = {e.supersedes for e in bundle.evidence if e.supersedes is not None}
    counting = [e for e in bundle.evidence if e.status.value == "accepted" and e.id not in superseded]
    found: dict[str, list[bool]] = {}
    for control in bundle.controls:
        if control.status.value != "implemented" or (controls is not None and control.id not in controls):
            continue
        mine = [e for e in counting if e.control == control.id]
        step = timedelta(days=_DAYS[control.frequency.value])
        gaps = []
        lower = start
        while lower < end:
            upper = min(lower + step, end)
            operated = any(lower <= e.collected_at < upper or _observed(e, lower, upper) for e in mine)
            gaps.append(not operated)
            lower = upper
        found[control.id] = gaps
    return found


def _observed(item: Evidence, lower: datetime, upper: datetime) -> bool:
    if item.period_start is None or item.period_end is None:
        return False
    return item.period_start < upper and lower < item.period_end
