"""DESIGN.md "Findings" laid over a control's evidence timelines on the embedded store.

The status timelines (graph/rules/control_timeline.py) know the evidence rules only. A control
with a `finding_policy` keeps, per asset it applies to, the overdue windows of the asset's
findings (graph/rules/findings.py); at T each asset with an overdue finding fails with
OPEN_FINDINGS whatever its evidence says (that reason is checked first), so the verdict is the
evidence counts with those assets moved from their evidence state to OPEN_FINDINGS, and their
failing rows are replaced. Findings are few per asset, so this costs a scan of the windows of the
assets that have any, not a fold; a finding written only replaces the windows (caches.py), the
evidence timelines do not move.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

from graph.rules.evaluation import EARLIEST, LATEST, EvidenceState
from graph.rules.findings import OverdueWindow, oldest_overdue
from graph.rules.timeline import OK, STATES

# Per asset in scope with findings under the control's policy, their overdue windows.
Windows = Mapping[str, list[OverdueWindow]]

# (asset, evidence state code, since or NO_INSTANT) of one failing pair, as the timelines give it.
TimelineRow = tuple[str, int, int]

# (asset, state, since or NO_INSTANT, the oldest overdue finding's sort key or None).
Row = tuple[str, EvidenceState, int, str | None]


def held_back(windows: Windows, at: int, in_scope: Collection[str]) -> dict[str, OverdueWindow]:
    """Per asset of `in_scope` with a finding overdue at `at`, the oldest such finding's window."""
    held: dict[str, OverdueWindow] = {}
    for asset_id, mine in windows.items():
        if asset_id in in_scope:
            oldest, _lo, _hi = oldest_overdue(mine, at, EARLIEST, LATEST)
            if oldest is not None:
                held[asset_id] = oldest
    return held


def failing_counts(
    counts: Sequence[int], held: Iterable[str], code_of: Callable[[str], int]
) -> dict[EvidenceState, int]:
    """The failing pairs per state from the evidence `counts` (per state code), each asset of
    `held` moved from its evidence state (`code_of`) to OPEN_FINDINGS."""
    moved = list(counts)
    blocked = 0
    for asset_id in held:
        moved[code_of(asset_id)] -= 1
        blocked += 1
    failing = {STATES[code]: n for code, n in enumerate(moved) if code != OK and n}
    if blocked:
        failing[EvidenceState.OPEN_FINDINGS] = blocked
    return failing


def failing_rows(rows: Sequence[TimelineRow], in_order: Sequence[str], held: Mapping[str, OverdueWindow]) -> list[Row]:
    """The evidence `rows` (in the order of `in_order`) with each asset of `held` failing with
    OPEN_FINDINGS instead, `since` its oldest overdue finding's first_seen, still in that order."""
    if not held:
        return [(asset_id, STATES[code], since, None) for asset_id, code, since in rows]
    by_asset = {row[0]: row for row in rows}
    found: list[Row] = []
    for asset_id in in_order:
        window = held.get(asset_id)
        if window is not None:
            found.append((asset_id, EvidenceState.OPEN_FINDINGS, window[2], window[3]))
        elif (row := by_asset.get(asset_id)) is not None:
            found.append((asset_id, STATES[row[1]], row[2], None))
    return found
