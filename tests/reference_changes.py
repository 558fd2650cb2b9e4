"""An independent reference of DESIGN.md "Changes and staleness", read straight off a bundle
(no store code): changed_at(a, T) is the latest `at` among a's changes with `at <= T` (none:
never changed); evidence is stale at T for a when `collected_at < changed_at(a, T) <= T`."""

from __future__ import annotations

from datetime import datetime, timedelta

from graph.bundle import Bundle
from tests.reference_findings import reference_oldest_overdue


def reference_changed_at(bundle: Bundle, at: datetime) -> dict[str, datetime]:
    found: dict[str, datetime] = {}
    for change in bundle.changes:
        if change.at <= at and (change.asset not in found or change.at > found[change.asset]):
            found[change.asset] = change.at
    return found


# DESIGN.md "Validity window": days after collection an item stays valid, per control frequency.
_DAYS = {"continuous": 1, "daily": 1, "weekly": 7, "monthly": 31, "quarterly": 92, "semiannual": 183, "annual": 366}


def reference_stale_pairs(bundle: Bundle, at: datetime) -> set[tuple[str, str, datetime]]:
    """(control, asset, since) of every pair of an implemented control that is STALE at T: valid
    in-scope evidence exists, and every such item was collected before changed_at(asset, T), and
    no overdue finding holds the control back for the asset (that reason comes first)."""
    changed = reference_changed_at(bundle, at)
    superseded = {e.supersedes for e in bundle.evidence if e.supersedes is not None}
    scope: dict[str, set[str]] = {}
    for link in bundle.covers:
        scope.setdefault(link.source, set()).add(link.target)
    found = set()
    for control in bundle.controls:
        if control.status.value != "implemented":
            continue
        items = [e for e in bundle.evidence if e.control == control.id and e.id not in superseded]
        span = timedelta(days=_DAYS[control.frequency.value])
        for asset in (link.target for link in bundle.applies_to if link.source == control.id):
            valid = [
                e
                for e in items
                if (not scope.get(e.id) or asset in scope[e.id])
                and e.status.value == "accepted"
                and e.collected_at <= at < (e.valid_until or e.collected_at + span)
            ]
            when = changed.get(asset)
            if reference_oldest_overdue(bundle, control, asset, at) is not None:
                continue  # OPEN_FINDINGS is checked before STALE
            if valid and when is not None and all(e.collected_at < when <= at for e in valid):
                found.add((control.id, asset, when))
    return found
