"""An independent reference for engagements, written from DESIGN.md "Engagement (an audit)".

Given a store's export, the failing (control, asset) pairs at the reference instant (which the
differential test already holds equal across the stores) and the carve-out reference, it scopes
by the wording: the boundary is the listed assets and everything they depend on (all assets when
none are listed); the criteria are the assessable ones of the categories in scope; the controls
are those behind them (SATISFIES, or the crosswalk neighbours' for a criterion with none) that
apply to no asset or to a boundary asset, each judged over its boundary assets only. Criterion
statuses come from tests/reference_coverage.py with the out-of-scope controls set aside.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from graph.bundle import Bundle
from graph.model import ControlStatus, Engagement
from graph.queries.results import ControlAssetState
from tests.reference_coverage import reference_coverage
from tests.reference_gaps import reference_gaps

SOC2_CATEGORIES = {"Security", "Availability", "Processing Integrity", "Confidentiality", "Privacy"}


@dataclass(frozen=True)
class ReferenceEngagement:
    boundary: set[str]
    statuses: dict[str, str]  # in-scope criterion -> status at the reference instant
    carved_out: set[str]
    rows: set[tuple[str, str | None, str | None]]  # (control, asset, vendor) missing at the instant
    gap_counts: dict[str, int]  # type2: in-scope criterion -> gap intervals of its in-scope controls


def reference_engagement(
    bundle: Bundle,
    engagement: Engagement,
    failing: list[ControlAssetState],
    carved_out_effective: dict[str, bool],
) -> ReferenceEngagement:
    assets = {a.id for a in bundle.assets}
    boundary = set(engagement.assets) & assets if engagement.assets else set(assets)
    frontier = list(boundary)
    while frontier:  # everything the boundary depends on, transitively
        current = frontier.pop()
        for dep in bundle.depends_on:
            if dep.source == current and dep.target not in boundary:
                boundary.add(dep.target)
                frontier.append(dep.target)

    criteria = [c for c in bundle.criteria if c.framework == engagement.framework]
    categories = {c.category for c in criteria}
    if engagement.categories:
        categories = set(engagement.categories)
        every = {c.category for c in criteria if c.category}
        if engagement.framework == "soc2-tsc-2017" or ("Security" in every and every <= SOC2_CATEGORIES):
            categories.add("Security")
    parents = {c.parent for c in criteria if c.parent is not None}
    in_scope = [
        c.id
        for c in criteria
        if c.category in categories and (c.assessable if c.assessable is not None else c.id not in parents)
    ]

    satisfied_by: dict[str, set[str]] = {}
    for link in bundle.satisfies:
        satisfied_by.setdefault(link.target, set()).add(link.source)
    applies: dict[str, set[str]] = {}
    for link in bundle.applies_to:
        applies.setdefault(link.source, set()).add(link.target)
    reachable = {c.id for c in bundle.controls if not applies.get(c.id) or applies[c.id] & boundary}

    behind: dict[str, set[str]] = {}
    for k in in_scope:
        if k in satisfied_by:
            found = set(satisfied_by[k])
        else:
            neighbours = {m.source for m in bundle.mappings if m.target == k} | {
                m.target for m in bundle.mappings if m.source == k
            }
            found = {c for n in neighbours for c in satisfied_by.get(n, set())}
        behind[k] = found & reachable

    def counts(state: ControlAssetState) -> bool:
        return state.asset_id is None or state.asset_id in boundary

    scoped_failing = {s.control_id for s in failing if counts(s)}
    effective = {c.id: c.id not in scoped_failing for c in bundle.controls} | carved_out_effective
    # Set out-of-scope controls aside (not_applicable is ignored by the criterion rules) and
    # keep every SATISFIES edge, so a criterion with one is still judged directly.
    set_aside = {"status": ControlStatus.NOT_APPLICABLE}
    aside = [c if c.id in reachable else c.model_copy(update=set_aside) for c in bundle.controls]
    judged = reference_coverage(bundle.model_copy(update={"controls": aside}), engagement.framework, effective)

    scoped_controls = set().union(*behind.values()) if behind else set()
    rows = {(s.control_id, s.asset_id, s.vendor_id) for s in failing if counts(s) and s.control_id in scoped_controls}
    gap_counts: dict[str, int] = {}
    if engagement.period_start is not None and engagement.period_end is not None:
        gaps = reference_gaps(bundle, engagement.period_start, engagement.period_end, scoped_controls)
        gap_counts = {k: sum(sum(gaps.get(c, [])) for c in controls) for k, controls in behind.items()}
    return ReferenceEngagement(
        boundary=boundary,
        statuses={k: judged.statuses[k] for k in in_scope},
        carved_out=judged.carved_out & set(in_scope),
        rows=rows,
        gap_counts=gap_counts,
    )


def reference_instant(engagement: Engagement, now: datetime) -> datetime:
    if engagement.as_of is not None:
        return engagement.as_of
    assert engagement.period_end is not None
    return min(engagement.period_end, now)
