"""An independent reference of DESIGN.md "Findings", read off a bundle with none of `graph.rules`,
`graph.queries` or `graph.stores`: which finding, if any, holds a control back for an asset at T."""

from __future__ import annotations

from datetime import datetime, timedelta

from graph.bundle import Bundle
from graph.model import Control, natural_key


def reference_oldest_overdue(
    bundle: Bundle, control: Control, asset: str | None, at: datetime
) -> tuple[str, datetime] | None:
    """DESIGN.md "Findings": (id, first_seen) of the oldest finding on `asset` open at T (first_seen <= T,
    not fixed by T) for longer than its severity's limit in the control's policy; None if none."""
    policy = control.finding_policy
    if not policy or asset is None:
        return None
    overdue = [
        f
        for f in bundle.findings
        if f.asset == asset
        and f.first_seen <= at
        and (f.fixed_at is None or f.fixed_at > at)
        and f.severity in policy
        and at - f.first_seen > timedelta(days=policy[f.severity])
    ]
    if not overdue:
        return None
    oldest = min(overdue, key=lambda f: (f.first_seen, natural_key(f.id)))
    return oldest.id, oldest.first_seen
