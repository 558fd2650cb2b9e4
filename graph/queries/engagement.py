"""An engagement's answers: scoped coverage, gap counts, missing evidence and gaps.

Rule (DESIGN.md "Engagement (an audit)"): categories in scope are the listed ones (empty: all),
plus `Security` for SOC 2; the boundary is the listed assets and everything they depend on,
transitively (empty: every asset). In scope: the assessable criteria of those categories and
the controls behind them (SATISFIES, or for a criterion with none the crosswalk neighbours'
controls) that apply to no asset or to at least one boundary asset, each judged over its
boundary assets only. The reference instant is `as_of` (type1) or `min(period_end, now)` (type2).

SOC 2 is the framework `soc2-tsc-2017` or any framework whose criteria use only the Trust
Services Categories, Security among them (an imported or renamed copy of the TSC): there the
common criteria (Security) are mandatory whatever the organization picks.

Pure functions over the `GraphStore` protocol, reusing coverage, missing-evidence and gap code,
so both stores answer alike.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from graph.errors import NotFoundError
from graph.model import Control, CoverageStatus, Criterion, Engagement, EngagementKind, Label, Rel, natural_key, now_utc
from graph.queries.coverage import CoveragePlan, evaluate_coverage, plan_coverage
from graph.queries.evidence_gaps import check_period, control_gaps
from graph.queries.exceptions import exception_states, open_exception_ids
from graph.queries.missing_evidence import missing_evidence_report
from graph.queries.results import (
    CategoryCounts,
    ControlVerdict,
    CrosswalkCandidate,
    EvidenceGapsReport,
    MissingEvidenceReport,
    StatusCounts,
)
from graph.rules.evaluation import EvidenceState
from graph.store import GraphStore

SOC2_FRAMEWORK = "soc2-tsc-2017"
SECURITY = "Security"
TSC_CATEGORIES = frozenset({SECURITY, "Availability", "Processing Integrity", "Confidentiality", "Privacy"})


class EngagementCriterion(BaseModel):
    """One in-scope criterion of an engagement: its status at the reference instant and, for
    type2, the period gap intervals of the in-scope controls behind it."""

    model_config = ConfigDict(frozen=True)

    criterion_id: str
    ref: str
    title: str
    category: str
    status: CoverageStatus
    carved_out: bool = Field(description="Every control counting as implemented behind it is carved out.")
    gap_count: int = Field(description="Type II: gap intervals over the period, summed over its in-scope controls.")
    open_exceptions: int = Field(
        default=0, description="Open audit exceptions of this engagement on the in-scope controls behind it."
    )
    open_exception_ids: list[str] = Field(
        default_factory=list,
        description="Their ids (per control in natural order, then by found_at): why it needs attention.",
    )


class EngagementCoverage(BaseModel):
    model_config = ConfigDict(frozen=True)

    totals: StatusCounts
    by_category: list[CategoryCounts]
    criteria: list[EngagementCriterion]


@dataclass(frozen=True)
class EngagementReport:
    """What `engagement(id)` answers, besides the engagement itself."""

    engagement: Engagement
    reference_instant: datetime
    categories: list[str]  # in scope, sorted
    boundary: list[str] | None  # asset ids, natural order; None: every asset (none listed)
    coverage: EngagementCoverage  # in-scope assessable criteria only, judged over the boundary
    missing_evidence: MissingEvidenceReport
    gaps: EvidenceGapsReport | None  # type2 only
    # For the auditor's package (graph/reports/): per in-scope criterion the in-scope controls
    # behind it, and for those judged through the crosswalk rule the neighbours that were weighed.
    controls_behind: dict[str, list[str]] = field(default_factory=dict)
    crosswalk: dict[str, list[CrosswalkCandidate]] = field(default_factory=dict)


def _is_soc2(framework_id: str, criteria: Iterable[Criterion]) -> bool:
    categories = {c.category for c in criteria if c.category}
    return framework_id == SOC2_FRAMEWORK or (SECURITY in categories and categories <= TSC_CATEGORIES)


def reference_instant(engagement: Engagement, now: datetime | None = None) -> datetime:
    """The instant an engagement is judged at: `as_of`, or `min(period_end, now)`.

    Parameters
    ----------
    engagement : Engagement
        The engagement.
    now : datetime or None
        The server's clock (None: read it now).

    Returns
    -------
    datetime
        `as_of` for type1; for type2 its period's end, or now while the period runs.

    Examples
    --------
    >>> audit = Engagement(id="a", name="A", framework="soc2", kind="type2",
    ...                    period_start=datetime(2026, 6, 1, tzinfo=UTC), period_end=datetime(2027, 6, 1, tzinfo=UTC))
    >>> reference_instant(audit, now=at) == at
    True
    """
    if engagement.kind is EngagementKind.TYPE1:
        assert engagement.as_of is not None  # the model requires it for type1
        return engagement.as_of
    assert engagement.period_end is not None  # the model requires it for type2
    return min(engagement.period_end, now if now is not None else now_utc())


def _scope_categories(engagement: Engagement, criteria: list[Criterion]) -> set[str]:
    every = {c.category for c in criteria}
    if not engagement.categories:
        return every
    chosen = set(engagement.categories)
    if _is_soc2(engagement.framework, criteria) and SECURITY in every:
        chosen.add(SECURITY)
    return chosen


def _boundary(store: GraphStore, engagement: Engagement) -> set[str] | None:
    """The listed assets and all they depend on; None when none is listed: every asset is in, and
    is not read into memory to say so."""
    return store.dependency_closure(engagement.assets) if engagement.assets else None


def in_boundary(asset_id: str | None, boundary: set[str] | None) -> bool:
    """Whether a (control, asset) row counts: rows without an asset (a control on no asset, a
    vendor's report) always do.

    Parameters
    ----------
    asset_id : str or None
        The row's asset (None: the row is about no asset).
    boundary : set[str] or None
        The engagement's boundary (None: every asset, when it lists none).

    Returns
    -------
    bool
        True when the row is in scope.

    Examples
    --------
    >>> in_boundary("mdl-chat", {"mdl-chat"}), in_boundary("ep-x", {"mdl-chat"}), in_boundary("ep-x", None)
    (True, False, True)
    >>> in_boundary(None, {"mdl-chat"})
    True
    """
    return asset_id is None or boundary is None or asset_id in boundary


def get_engagement(store: GraphStore, engagement_id: str, field: str = "id") -> Engagement:
    """The stored engagement, or `NotFoundError` naming `field`.

    Parameters
    ----------
    store : GraphStore
        The graph to read.
    engagement_id : str
        Its id.
    field : str
        The input field named by the error.

    Returns
    -------
    Engagement
        The engagement as stored.

    Examples
    --------
    >>> get_engagement(store, "nope")
    Traceback (most recent call last):
    ...
    graph.errors.NotFoundError: id: Engagement 'nope' does not exist
    """
    found = store.get_nodes(Label.ENGAGEMENT, [engagement_id]).get(engagement_id)
    if not isinstance(found, Engagement):
        raise NotFoundError(Label.ENGAGEMENT.value, engagement_id, field)
    return found


def in_scope_control_ids(store: GraphStore, engagement: Engagement) -> set[str]:
    """The ids of the controls behind an engagement's in-scope criteria (over its boundary).

    Parameters
    ----------
    store : GraphStore
        The graph to read.
    engagement : Engagement
        The engagement (stored or not); its framework must exist.

    Returns
    -------
    set of str
        The in-scope controls: those an audit exception of the engagement may name.

    Examples
    --------
    >>> audit = Engagement(id="a", name="A", framework="soc2", kind="type1", as_of=at, assets=["mdl-chat"])
    >>> sorted(in_scope_control_ids(store, audit))
    ['AC-01']
    """
    plan = plan_coverage(store, engagement.framework)
    categories = _scope_categories(engagement, plan.criteria)
    assets = _boundary(store, engagement)
    applies = store.related(Rel.APPLIES_TO, plan.control_ids) if plan.control_ids else {}
    _, behind = _scoped_plan(plan, categories, assets, applies)
    return {c for ids in behind.values() for c in ids}


def engagement_report(store: GraphStore, engagement: Engagement, now: datetime | None = None) -> EngagementReport:
    """Scoped coverage at the reference instant, gap counts over a type2 period, scoped missing
    evidence and gaps, for one engagement.

    Parameters
    ----------
    store : GraphStore
        The graph to read.
    engagement : Engagement
        The engagement (stored or not); its framework must exist (`NotFoundError`, `framework`).
    now : datetime or None
        The server's clock, for a type2 period still running (None: read it now).

    Returns
    -------
    EngagementReport
        The reference instant, the categories and boundary in scope, coverage of the in-scope
        criteria with their gap counts, the missing evidence in scope and (type2) the gaps.

    Examples
    --------
    >>> audit = Engagement(id="a", name="A", framework="soc2", kind="type1", as_of=at, assets=["mdl-chat"])
    >>> report = engagement_report(store, audit)
    >>> report.boundary, report.coverage.totals
    (['ds-transcripts', 'mdl-chat'], StatusCounts(total=2, covered=1, partial=0, uncovered=1))
    >>> report.missing_evidence.rows
    []
    """
    at = reference_instant(engagement, now)
    plan = plan_coverage(store, engagement.framework)
    categories = _scope_categories(engagement, plan.criteria)
    assets = _boundary(store, engagement)
    control_ids = plan.control_ids
    applies = store.related(Rel.APPLIES_TO, control_ids) if control_ids else {}
    scoped, behind = _scoped_plan(plan, categories, assets, applies)
    controls = {c.id: c for group in scoped.all_controls.values() for c in group}
    ordered = [controls[k] for k in sorted(controls, key=natural_key)]
    states = [
        s for s in (store.control_states(list(controls), at) if controls else []) if in_boundary(s.asset_id, assets)
    ]
    failing: dict[str, Counter[EvidenceState]] = {}
    for s in states:
        failing.setdefault(s.control_id, Counter())[s.state] += 1
    verdicts = {
        c.id: ControlVerdict(
            control_id=c.id,
            status=c.status,
            assets=sum(in_boundary(a, assets) for a in applies.get(c.id, [])),
            failing=dict(failing.get(c.id, {})),
        )
        for c in ordered
    }
    gaps: EvidenceGapsReport | None = None
    gap_counts: dict[str, int] = {}
    if engagement.kind is EngagementKind.TYPE2:
        assert engagement.period_start is not None and engagement.period_end is not None
        check_period(engagement.period_start, engagement.period_end, "periodEnd")
        periods = control_gaps(store, ordered, engagement.period_start, engagement.period_end)
        gaps = EvidenceGapsReport(
            framework=engagement.framework, start=engagement.period_start, end=engagement.period_end, controls=periods
        )
        per_control = {p.control_id: p.gaps for p in periods}
        gap_counts = {k: sum(per_control.get(c, 0) for c in ids) for k, ids in behind.items()}
    judged = evaluate_coverage(scoped, at, verdicts)
    open_by_control = open_exception_ids(exception_states(store, engagement=engagement.id))
    open_by_criterion = {
        k: [i for c in sorted(set(ids), key=natural_key) for i in open_by_control.get(c, [])]
        for k, ids in behind.items()
    }
    return EngagementReport(
        engagement=engagement,
        reference_instant=at,
        categories=sorted(categories),
        boundary=sorted(assets, key=natural_key) if assets is not None else None,
        coverage=EngagementCoverage(
            totals=judged.totals,
            by_category=judged.by_category,
            criteria=[
                EngagementCriterion(
                    criterion_id=row.criterion_id,
                    ref=row.ref,
                    title=row.title,
                    category=row.category,
                    status=row.status,
                    carved_out=row.carved_out,
                    gap_count=gap_counts.get(row.criterion_id, 0),
                    open_exceptions=len(open_by_criterion.get(row.criterion_id, [])),
                    open_exception_ids=open_by_criterion.get(row.criterion_id, []),
                )
                for row in judged.criteria
            ],
        ),
        missing_evidence=missing_evidence_report(states, at, engagement.framework),
        gaps=gaps,
        controls_behind=behind,
        crosswalk={row.criterion_id: row.via for row in judged.criteria if row.via},
    )


def _scoped_plan(
    plan: CoveragePlan, categories: set[str], assets: set[str] | None, applies: dict[str, list[str]]
) -> tuple[CoveragePlan, dict[str, list[str]]]:
    """The plan cut to in-scope criteria and controls, and per criterion the controls behind it."""
    criteria = [c for c in plan.criteria if plan.tree.is_assessable(c.id) and c.category in categories]
    in_scope = {k for k in plan.control_ids if not applies.get(k) or any(in_boundary(a, assets) for a in applies[k])}

    def cut(groups: dict[str, list[Control]]) -> dict[str, list[Control]]:
        # A criterion keeps its key when its controls all drop out: it has SATISFIES edges, so it
        # is judged directly (UNCOVERED), not through the crosswalk.
        return {k: [c for c in group if c.id in in_scope] for k, group in groups.items()}

    satisfying, all_controls = cut(plan.satisfying), cut(plan.all_controls)
    behind: dict[str, list[str]] = {}
    for criterion in criteria:
        if criterion.id in satisfying:
            behind[criterion.id] = [c.id for c in satisfying[criterion.id]]
        else:
            neighbours = plan.neighbours.get(criterion.id, [])
            behind[criterion.id] = sorted({c.id for n, _ in neighbours for c in all_controls.get(n, [])})
    wanted = set(behind) | {n for k in behind if k not in satisfying for n, _ in plan.neighbours.get(k, [])}
    scoped = replace(
        plan,
        criteria=criteria,
        satisfying={k: v for k, v in satisfying.items() if k in behind},
        all_controls={k: v for k, v in all_controls.items() if k in wanted},
    )
    return scoped, behind


def engagement_scope(store: GraphStore, engagement: Engagement) -> tuple[dict[str, Control], set[str] | None]:
    """The in-scope controls (by id) of an engagement and its boundary, as `engagement_report` decides.

    Parameters
    ----------
    store : GraphStore
        The graph to read.
    engagement : Engagement
        The engagement; its framework must exist (`NotFoundError`, `framework`).

    Returns
    -------
    tuple[dict[str, Control], set[str] | None]
        The controls behind its in-scope criteria that apply to no asset or to a boundary asset,
        and the boundary's asset ids (None: every asset, when the engagement lists none).

    Examples
    --------
    >>> audit = Engagement(id="a", name="A", framework="soc2", kind="type1", as_of=at, assets=["mdl-chat"])
    >>> controls, boundary = engagement_scope(store, audit)
    >>> sorted(controls), sorted(boundary)
    (['AC-01'], ['ds-transcripts', 'mdl-chat'])
    """
    plan = plan_coverage(store, engagement.framework)
    categories = _scope_categories(engagement, plan.criteria)
    assets = _boundary(store, engagement)
    applies = store.related(Rel.APPLIES_TO, plan.control_ids) if plan.control_ids else {}
    scoped, _ = _scoped_plan(plan, categories, assets, applies)
    return {c.id: c for group in scoped.all_controls.values() for c in group}, assets
