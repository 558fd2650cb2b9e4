"""An independent reference of DESIGN.md "Changes and staleness", read straight off a bundle's
changes (no store code): changed_at(a, T) is the latest `at` among a's changes with `at <= T`
(none: never changed)."""

from __future__ import annotations

from datetime import datetime

from graph.bundle import Bundle


def reference_changed_at(bundle: Bundle, at: datetime) -> dict[str, datetime]:
    found: dict[str, datetime] = {}
    for change in bundle.changes:
        if change.at <= at and (change.asset not in found or change.at > found[change.asset]):
            found[change.asset] = change.at
    return found
