"""An independent reference of DESIGN.md's evidence rules per (control, asset) pair, read off a bundle.

"Validity window", "Changes and staleness", "Evidence scope", "Effective control at T",
"Carved-out control", "Findings" and "Missing evidence at T" by their wording, with none of `graph.rules`,
`graph.queries` or `graph.stores`: at T, every failing pair of an implemented control with the
first reason that holds and since when, and the vendor rows of carved-out controls. DESIGN.md
names `since` for STALE (the change) and EXPIRED (the latest end); for PENDING_REVIEW and
REJECTED it is the newest such item's `collected_at`, as the API documents it; for OPEN_FINDINGS
(checked first) the row names the oldest overdue finding (earliest first_seen, then natural order
of id) and `since` is its first_seen. A control with a policy and no asset: no finding applies.

Audit exceptions are left out: the write-sequence graphs have none.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from graph.bundle import Bundle
from graph.model import Evidence
from tests.reference_changes import reference_changed_at
from tests.reference_coverage import reference_carve_outs
from tests.reference_findings import reference_oldest_overdue

# (control, asset or None, reason, since, vendor or None, finding or None): one missing-evidence row.
Row = tuple[str, str | None, str, datetime | None, str | None, str | None]

# "Validity window": days after collection an item stays valid, per control frequency.
_DAYS = {"continuous": 1, "daily": 1, "weekly": 7, "monthly": 31, "quarterly": 92, "semiannual": 183, "annual": 366}


def reference_rows(bundle: Bundle, at: datetime) -> set[Row]:
    """Every row of "Missing evidence at T" (no framework) for the graph `bundle` holds."""
    changed = reference_changed_at(bundle, at)
    superseded = {e.supersedes for e in bundle.evidence if e.supersedes is not None}
    scope: dict[str, set[str]] = {}
    for link in bundle.covers:
        scope.setdefault(link.source, set()).add(link.target)
    applies: dict[str, list[str]] = {}
    for link in bundle.applies_to:
        applies.setdefault(link.source, []).append(link.target)
    vendor_rows = reference_carve_outs(bundle, at).rows
    rows: set[Row] = set()
    for control in bundle.controls:
        if control.status.value == "carved_out":
            rows |= {(c, None, reason, since, v, None) for c, v, reason, since in vendor_rows if c == control.id}
        if control.status.value != "implemented":
            continue
        span = timedelta(days=_DAYS[control.frequency.value])
        # Evidence collected after T does not exist as of T; a superseded item counts for nothing.
        existing = [e for e in bundle.evidence if e.control == control.id and e.id not in superseded]
        existing = [e for e in existing if e.collected_at <= at]
        # One row per asset it applies to; one for the control when it applies to none.
        pairs: list[str | None] = [*applies.get(control.id, [])] or [None]
        for asset in pairs:
            overdue = reference_oldest_overdue(bundle, control, asset, at)
            if overdue is not None:  # checked before STALE: first in the order
                rows.add((control.id, asset, "OPEN_FINDINGS", overdue[1], None, overdue[0]))
                continue
            in_scope = [e for e in existing if asset is None or not scope.get(e.id) or asset in scope[e.id]]
            found = _reason(in_scope, span, changed.get(asset) if asset is not None else None, at)
            if found is not None:
                rows.add((control.id, asset, found[0], found[1], None, None))
    return rows


def _reason(
    items: list[Evidence], span: timedelta, changed: datetime | None, at: datetime
) -> tuple[str, datetime | None] | None:
    """The first reason that holds for one pair, None when it has valid, non-stale evidence."""

    def end(e: Evidence) -> datetime:
        return e.valid_until if e.valid_until is not None else e.collected_at + span

    accepted = [e for e in items if e.status.value == "accepted"]
    valid = [e for e in accepted if at < end(e)]
    if valid:
        # Stale when a was changed after every valid item was collected (changed_at(a, T) <= T).
        if changed is not None and all(e.collected_at < changed for e in valid):
            return "STALE", changed
        return None
    if accepted:
        return "EXPIRED", max(end(e) for e in accepted)
    for status, reason in (("pending", "PENDING_REVIEW"), ("rejected", "REJECTED")):
        collected = [e.collected_at for e in items if e.status.value == status]
        if collected:
            return reason, max(collected)
    return "NEVER_COLLECTED", None


def reference_verdicts(bundle: Bundle, rows: set[Row]) -> dict[str, tuple[str, int, dict[str, int]]]:
    """Per control: (status, assets it applies to, failing pairs per reason), from `reference_rows`.
    A control is effective when it counts as implemented and nothing fails."""
    applies = Counter(link.source for link in bundle.applies_to)
    failing: dict[str, Counter[str]] = {c.id: Counter() for c in bundle.controls}
    for control, _, reason, _, _, _ in rows:
        failing[control][reason] += 1
    return {c.id: (c.status.value, applies[c.id], dict(failing[c.id])) for c in bundle.controls}
