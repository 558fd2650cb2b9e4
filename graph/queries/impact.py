"""Change impact: what recording a change of an asset would do, and recording it.

Rule (docs/design.md): `recordChange(asset, at, propagate = true, kind, note)` appends a `Change`
at `at` to the asset's history and, when propagating, one to every asset in its blast radius
(`propagated_from` = the asset). `impact(change)` returns what `recordChange` would do, writing
nothing: the assets touched, the evidence that becomes stale (valid and not stale at `at` now,
stale at `at` after the change), and per framework the criteria whose status moves, before ->
after, at `at`. Evaluated at `at`, a touched asset's `changed_at(a, at)` is `at` after the change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from graph.bundle import Bundle
from graph.errors import NotFoundError
from graph.model import Change, Label, natural_key, new_change_id, now_utc
from graph.queries.coverage import CoveragePlan, evaluate_coverage, plan_coverage
from graph.queries.results import (
    ChangeRequest,
    ControlVerdict,
    FrameworkDelta,
    ImpactReport,
    StatusChange,
)
from graph.store import Assumption, GraphStore


def impact(store: GraphStore, change: ChangeRequest) -> ImpactReport:
    """What recording a change would do, computed without writing anything.

    Parameters
    ----------
    store : GraphStore
        The graph to read.
    change : ChangeRequest
        The asset (unknown: `NotFoundError`, field `change.asset`), the instant it changed at and
        whether the change propagates to the assets that depend on it.

    Returns
    -------
    ImpactReport
        The assets touched (id order), the evidence that becomes stale at `change.at`, and per
        framework around them the criteria whose status moves and the totals before and after.

    Examples
    --------
    >>> report = impact(store, ChangeRequest(asset_id="ds-transcripts", at=datetime(2026, 11, 10, tzinfo=UTC)))
    >>> report.assets
    ['ds-transcripts', 'ep-chat', 'mdl-chat']
    >>> [(s.evidence_id, s.asset_id) for s in report.stale_evidence]
    [('ev-1', 'mdl-chat')]
    >>> [(c.criterion_id, c.before.value, c.after.value) for f in report.frameworks for c in f.changes]
    [('soc2:CC6.1', 'COVERED', 'PARTIAL')]
    """
    if not store.get_nodes(Label.ASSET, [change.asset_id]):
        raise NotFoundError(Label.ASSET.value, change.asset_id, "change.asset")
    touched = store.dependents(change.asset_id, None) if change.propagate else {change.asset_id: 0}
    assets = sorted(touched, key=natural_key)
    stale = store.becoming_stale(assets, change.at)

    around = store.neighbourhood(assets)
    frameworks = set(around.frameworks)
    if around.criteria:
        # A moved criterion also moves the criteria that derive their status from it.
        mapped = store.mappings_touching(around.criteria)
        others = {m.source for m in mapped} | {m.target for m in mapped}
        frameworks |= {c.framework for c in store.get_nodes(Label.CRITERION, others).values()}  # type: ignore[union-attr]

    # The verdicts before and after, each asked for once for every framework: a supposed change
    # only moves the controls applying to a touched asset (a state reads `changed_at` of the
    # assets its control applies to and of no other), so only those are asked for again.
    plans = [plan_coverage(store, framework_id) for framework_id in sorted(frameworks, key=natural_key)]
    control_ids = set().union(*(plan.control_ids for plan in plans))
    before_verdicts = store.control_verdicts(control_ids, change.at) if control_ids else {}
    moving = control_ids & set(around.controls)
    assume = Assumption(assets=frozenset(assets), changed_at=change.at)
    after_verdicts = {
        **before_verdicts,
        **(store.control_verdicts(moving, change.at, assume) if moving else {}),
    }
    return ImpactReport(
        asset_id=change.asset_id,
        at=change.at,
        propagate=change.propagate,
        recorded=False,
        assets=assets,
        stale_evidence=stale,
        frameworks=coverage_deltas(plans, change.at, before_verdicts, after_verdicts),
    )


def record_change(store: GraphStore, change: ChangeRequest) -> ImpactReport:
    """Record a change of an asset (and, propagating, of its dependents) and return its impact.

    Parameters
    ----------
    store : GraphStore
        The graph to write.
    change : ChangeRequest
        As for `impact`.

    Returns
    -------
    ImpactReport
        What `impact` returned just before the write, with `recorded` set.

    Examples
    --------
    >>> change = ChangeRequest(asset_id="mdl-chat", at=datetime(2026, 11, 10, tzinfo=UTC), propagate=False)
    >>> record_change(store, change).recorded
    True
    >>> coverage(store, "soc2", at).totals
    StatusCounts(total=2, covered=0, partial=2, uncovered=0)
    """
    report = impact(store, change)
    now = now_utc()
    changes = [
        Change(
            id=new_change_id(),
            asset=asset_id,
            at=change.at,
            kind=change.kind,
            note=change.note,
            propagated_from=None if asset_id == change.asset_id else change.asset_id,
            recorded_at=now,
            recorded_by=change.recorded_by,
        )
        for asset_id in report.assets
    ]
    # One write: every record or none, audited with the mutation that asked for it.
    store.write(Bundle(changes=changes), immutable_evidence=True)
    return report.model_copy(update={"recorded": True})


def coverage_deltas(
    plans: Iterable[CoveragePlan],
    at: datetime,
    before: Mapping[str, ControlVerdict],
    after: Mapping[str, ControlVerdict],
) -> list[FrameworkDelta]:
    """Per plan, the criteria whose status moves from the `before` verdicts to the `after` ones
    at `at`, and the totals either side (what-if answers: impact, vendorLapse).

    Parameters
    ----------
    plans : iterable of CoveragePlan
        The frameworks to compare (`plan_coverage`, read once).
    at : datetime
        The instant both sides are judged at.
    before, after : mapping of control id to ControlVerdict
        The verdicts as recorded and under the supposition (a change, a vendor's report lapsing).

    Returns
    -------
    list of FrameworkDelta
        One per plan, in order: the criteria whose status moves, and the totals before and after.

    Examples
    --------
    >>> plan = plan_coverage(store, "soc2")
    >>> before = store.control_verdicts(plan.control_ids, at)
    >>> from graph.rules.evaluation import EvidenceState
    >>> broken = {EvidenceState.NEVER_COLLECTED: 1}
    >>> after = {**before, "AC-01": before["AC-01"].model_copy(update={"failing": broken})}
    >>> delta = coverage_deltas([plan], at, before, after)[0]
    >>> [(c.criterion_id, c.before.value, c.after.value) for c in delta.changes]
    [('soc2:CC6.1', 'COVERED', 'PARTIAL')]
    """
    deltas = []
    for plan in plans:
        was = evaluate_coverage(plan, at, before)
        will = evaluate_coverage(plan, at, after)
        now = {row.criterion_id: row.status for row in will.criteria}
        moved = [
            StatusChange(criterion_id=row.criterion_id, before=row.status, after=now[row.criterion_id])
            for row in was.criteria
            if now[row.criterion_id] is not row.status
        ]
        deltas.append(FrameworkDelta(framework=plan.framework_id, changes=moved, before=was.totals, after=will.totals))
    return deltas
