"""Missing evidence at T.

Rule (docs/design.md): one row per implemented control and asset it applies to (one row per control
when it applies to none) with no in-scope, valid, non-stale evidence at T, with the first reason
that holds: OPEN_FINDINGS (an overdue scanner finding on the asset under the control's finding
policy: the oldest one, `since` = its first_seen, and its age in whole days), STALE (valid
evidence exists but is stale for the asset), EXPIRED (accepted evidence existed; `since` = the
latest end), PENDING_REVIEW, REJECTED, NEVER_COLLECTED. A carved-out control
that is not effective gives one row per vendor it relies on without a valid report:
VENDOR_REPORT_EXPIRED (`since` = its `report_valid_until`) or VENDOR_REPORT_MISSING. With a framework,
only the controls its coverage depends on, directly or through the crosswalk rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from graph.queries.coverage import require_framework
from graph.queries.results import ControlAssetState, MissingEvidenceReport, MissingEvidenceRow
from graph.queries.scope import framework_controls
from graph.rules.findings import age_days
from graph.store import GraphStore


def missing_evidence(store: GraphStore, at: datetime, framework_id: str | None = None) -> MissingEvidenceReport:
    """The evidence an auditor would ask for at an instant and not find.

    Parameters
    ----------
    store : GraphStore
        The graph to read.
    at : datetime
        The instant T.
    framework_id : str or None
        Only the controls this framework's coverage depends on; None: every implemented control.
        An unknown id raises `NotFoundError` (field `framework`).

    Returns
    -------
    MissingEvidenceReport
        One row per failing (control, asset) pair with the first reason that holds and since when.

    Examples
    --------
    >>> [(r.control_id, r.asset_id, r.reason.value) for r in missing_evidence(store, at).rows]
    [('MON-02', 'ep-chat', 'NEVER_COLLECTED')]
    """
    control_ids: list[str] | None = None
    if framework_id is not None:
        require_framework(store, framework_id)
        control_ids = [c.id for c in framework_controls(store, framework_id)]
    states = store.control_states(control_ids, at) if control_ids != [] else []
    return missing_evidence_report(states, at, framework_id)


def missing_evidence_report(
    states: Iterable[ControlAssetState], at: datetime, framework_id: str | None
) -> MissingEvidenceReport:
    """The report of failing (control, asset) pairs: one row each, in the order given.

    Parameters
    ----------
    states : Iterable[ControlAssetState]
        The failing pairs (`GraphStore.control_states`): every pair of the controls asked, or an
        engagement's pairs on its boundary.
    at : datetime
        The instant they were judged at.
    framework_id : str or None
        The framework the report is for, if any.

    Returns
    -------
    MissingEvidenceReport
        One row per pair, with its reason and since when.

    Examples
    --------
    >>> report = missing_evidence_report(store.control_states(["MON-02"], at), at, None)
    >>> [(r.control_id, r.asset_id, r.reason.value) for r in report.rows]
    [('MON-02', 'ep-chat', 'NEVER_COLLECTED')]
    """
    return MissingEvidenceReport(
        framework=framework_id,
        as_of=at,
        rows=[
            MissingEvidenceRow(
                control_id=s.control_id,
                asset_id=s.asset_id,
                reason=s.state,
                since=s.since,
                vendor_id=s.vendor_id,
                finding_id=s.finding_id,
                finding_age_days=None if s.finding_id is None or s.since is None else age_days(s.since, at),
            )
            for s in states
        ],
    )
