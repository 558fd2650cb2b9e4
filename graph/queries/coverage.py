"""Coverage: which criteria of a framework are met at T.

Rules (docs/design.md, "The rules"):
- Criterion status (direct): over the controls that SATISFY it, ignoring `not_applicable`
  ones: UNCOVERED if none is implemented (or carved out); COVERED if every implemented one is effective;
  PARTIAL otherwise.
- Through the crosswalk, only for a criterion with no SATISFIES edge at all: for each
  criterion n joined to c by a MAPS_TO edge in either direction, read as "n is rel c",
  equal/superset_of pass n's direct status, subset_of/intersects_with pass it capped at
  PARTIAL; the best candidate wins, none gives UNCOVERED. One hop only.
- Hierarchy: coverage counts assessable criteria (by default the leaves; `graph.rules.assessable`);
  one that is not is COVERED if all the assessable criteria below it are, UNCOVERED if all
  are, else PARTIAL.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from graph.errors import NotFoundError
from graph.model import (
    Control,
    ControlStatus,
    CoverageStatus,
    Criterion,
    Label,
    MappingRelationship,
    natural_key,
)
from graph.queries.results import (
    CategoryCounts,
    ControlFinding,
    ControlVerdict,
    CoverageReport,
    CriterionCoverage,
    CrosswalkCandidate,
    StatusCounts,
)
from graph.rules.assessable import Hierarchy, hierarchy
from graph.rules.evaluation import (
    all_carved_out,
    best_status,
    crosswalk_candidate,
    direct_status,
    rollup_status,
)
from graph.store import Assumption, GraphStore


def require_framework(store: GraphStore, framework_id: str, field: str = "framework") -> None:
    """Refuse an unknown framework, naming the caller's field.

    Parameters
    ----------
    store : GraphStore
        The graph to read.
    framework_id : str
        The framework that must exist.
    field : str
        The input field named by the error (`framework`, `source`, `target`).

    Returns
    -------
    None
        Raises `NotFoundError` when there is no such framework.

    Examples
    --------
    >>> require_framework(store, "soc2")
    >>> require_framework(store, "pci", "target")
    Traceback (most recent call last):
    ...
    graph.errors.NotFoundError: target: Framework 'pci' does not exist
    """
    if not store.get_nodes(Label.FRAMEWORK, [framework_id]):
        raise NotFoundError(Label.FRAMEWORK.value, framework_id, field)


@dataclass(frozen=True)
class CoveragePlan:
    """What a framework's coverage reads from the graph apart from evidence: its criteria, the
    controls satisfying its assessable ones and, for those with none, their crosswalk neighbours' controls.
    It does not depend on the instant, so one plan serves a before/after pair (`impact`)."""

    framework_id: str
    criteria: list[Criterion]
    satisfying: dict[str, list[Control]]
    neighbours: dict[str, list[tuple[str, MappingRelationship]]]
    all_controls: dict[str, list[Control]]
    tree: Hierarchy

    @property
    def control_ids(self) -> set[str]:
        return {ctl.id for controls in self.all_controls.values() for ctl in controls}


def coverage(store: GraphStore, framework_id: str, at: datetime, assume: Assumption | None = None) -> CoverageReport:
    """Per-criterion status of a framework at an instant, with the controls and reasons behind it.

    Parameters
    ----------
    store : GraphStore
        The graph to read.
    framework_id : str
        The framework; an unknown id raises `NotFoundError` (field `framework`).
    at : datetime
        The instant T (aware) the evidence is judged at.
    assume : Assumption or None
        Judge as if these assets had changed at this instant (what `impact` asks); None: as recorded.

    Returns
    -------
    CoverageReport
        One row per criterion (status, whether derived through the crosswalk, the reason, the
        controls' findings), the totals over assessable criteria and the counts per category.

    Examples
    --------
    >>> report = coverage(store, "soc2", at)
    >>> report.totals
    StatusCounts(total=2, covered=1, partial=1, uncovered=0)
    >>> [(row.criterion_id, row.status.value) for row in report.criteria]
    [('soc2:CC6.1', 'COVERED'), ('soc2:CC7.2', 'PARTIAL')]
    >>> coverage(store, "iso42001", at).criteria[0].reason
    'through the crosswalk: soc2:CC6.1 intersects it and is COVERED'
    """
    plan = plan_coverage(store, framework_id)
    ids = plan.control_ids
    return evaluate_coverage(plan, at, store.control_verdicts(ids, at, assume) if ids else {})


def plan_coverage(store: GraphStore, framework_id: str) -> CoveragePlan:
    """What a framework's coverage reads apart from evidence, read once for several instants.

    Parameters
    ----------
    store : GraphStore
        The graph to read.
    framework_id : str
        The framework; an unknown id raises `NotFoundError` (field `framework`).

    Returns
    -------
    CoveragePlan
        Its criteria, their satisfying controls and, for criteria with none, their crosswalk
        neighbours and those neighbours' controls.

    Examples
    --------
    >>> plan = plan_coverage(store, "iso42001")
    >>> plan.neighbours, sorted(plan.control_ids)
    ({'iso42001:A.6.2.4': [('soc2:CC6.1', <MappingRelationship.INTERSECTS_WITH: 'intersects_with'>)]}, ['AC-01'])
    """
    require_framework(store, framework_id)
    criteria = store.framework_criteria(framework_id)
    # Only assessable criteria are judged on controls; the rest roll up over them.
    tree = hierarchy(criteria)
    ids = [c.id for c in criteria if tree.is_assessable(c.id)]
    satisfying = store.satisfying_controls(ids) if ids else {}

    # Crosswalk neighbours, only for assessable criteria with no SATISFIES edge at all.
    unsatisfied = {c for c in ids if c not in satisfying}
    neighbours: dict[str, list[tuple[str, MappingRelationship]]] = defaultdict(list)
    for m in store.mappings_touching(unsatisfied) if unsatisfied else []:
        if m.target in unsatisfied:
            neighbours[m.target].append((m.source, m.relationship))  # source is rel target
        if m.source in unsatisfied:
            neighbours[m.source].append((m.target, m.relationship.inverted()))
    neighbour_ids = {n for pairs in neighbours.values() for n, _ in pairs}
    neighbour_controls = store.satisfying_controls(neighbour_ids - satisfying.keys()) if neighbour_ids else {}
    return CoveragePlan(
        framework_id, criteria, satisfying, dict(neighbours), {**satisfying, **neighbour_controls}, tree
    )


def evaluate_coverage(plan: CoveragePlan, at: datetime, verdicts: Mapping[str, ControlVerdict]) -> CoverageReport:
    """The coverage report of a plan, given the control verdicts at an instant.

    Parameters
    ----------
    plan : CoveragePlan
        From `plan_coverage`.
    at : datetime
        The instant the verdicts are for (the report's `as_of`).
    verdicts : Mapping[str, ControlVerdict]
        Control id -> verdict at `at`, for (at least) `plan.control_ids`.

    Returns
    -------
    CoverageReport
        What `coverage` returns for the plan's framework at `at`.

    Examples
    --------
    >>> plan = plan_coverage(store, "soc2")
    >>> evaluate_coverage(plan, at, store.control_verdicts(plan.control_ids, at)).totals
    StatusCounts(total=2, covered=1, partial=1, uncovered=0)
    """
    framework_id, criteria, satisfying = plan.framework_id, plan.criteria, plan.satisfying
    neighbours, all_controls = plan.neighbours, plan.all_controls

    def direct(criterion_id: str) -> CoverageStatus:
        controls = all_controls.get(criterion_id, [])
        return direct_status((c.status, verdicts[c.id].effective) for c in controls)

    tree = plan.tree
    rows: dict[str, CriterionCoverage] = {}
    for criterion in criteria:
        if not tree.is_assessable(criterion.id):
            continue  # rolled up below from the assessable criteria under it
        controls = satisfying.get(criterion.id, [])
        findings = [_finding(ctl, verdicts[ctl.id]) for ctl in controls]
        if criterion.id in satisfying:
            status = direct(criterion.id)
            via: list[CrosswalkCandidate] = []
            reason = _direct_reason(status, findings)
            carved_out = all_carved_out(c.status for c in all_controls.get(criterion.id, []))
        else:
            via = [
                CrosswalkCandidate(
                    criterion_id=n,
                    relationship=rel,
                    neighbour_status=direct(n),
                    candidate=crosswalk_candidate(rel, direct(n)),
                )
                for n, rel in sorted(neighbours.get(criterion.id, []), key=lambda p: natural_key(p[0]))
            ]
            status = best_status(v.candidate for v in via)
            reason = _crosswalk_reason(status, via)
            carved_out = False
        rows[criterion.id] = _row(criterion, tree, status, bool(via), reason, findings, via, carved_out)

    for criterion in criteria:
        if not tree.is_assessable(criterion.id):
            below = [rows[c].status for c in tree.assessable_below(criterion.id)]
            status = rollup_status(below)
            covered = sum(s is CoverageStatus.COVERED for s in below)
            reason = f"{covered} of {len(below)} assessable criteria below it covered"
            rows[criterion.id] = _row(criterion, tree, status, False, reason, [], [])

    ordered = [rows[c.id] for c in criteria]
    counted = [r for r in ordered if r.assessable]
    by_category: dict[str, list[CoverageStatus]] = defaultdict(list)
    for r in counted:
        by_category[r.category].append(r.status)
    return CoverageReport(
        framework=framework_id,
        as_of=at,
        criteria=ordered,
        totals=count_statuses(r.status for r in counted),
        by_category=[
            CategoryCounts(category=category, **count_statuses(statuses).model_dump())
            for category, statuses in sorted(by_category.items())
        ],
    )


def count_statuses(statuses: Iterable[CoverageStatus]) -> StatusCounts:
    """How many of the statuses are covered, partial and uncovered.

    Parameters
    ----------
    statuses : Iterable[CoverageStatus]
        One status per criterion counted.

    Returns
    -------
    StatusCounts
        The total and the count of each status.

    Examples
    --------
    >>> count_statuses([CoverageStatus.COVERED, CoverageStatus.PARTIAL, CoverageStatus.COVERED])
    StatusCounts(total=3, covered=2, partial=1, uncovered=0)
    """
    counts = Counter(statuses)
    return StatusCounts(
        total=sum(counts.values()),
        covered=counts[CoverageStatus.COVERED],
        partial=counts[CoverageStatus.PARTIAL],
        uncovered=counts[CoverageStatus.UNCOVERED],
    )


def _row(
    criterion: Criterion,
    tree: Hierarchy,
    status: CoverageStatus,
    derived: bool,
    reason: str,
    findings: list[ControlFinding],
    via: list[CrosswalkCandidate],
    carved_out: bool = False,
) -> CriterionCoverage:
    return CriterionCoverage(
        criterion_id=criterion.id,
        ref=criterion.ref,
        title=criterion.title,
        category=criterion.category,
        parent=criterion.parent,
        is_leaf=criterion.id not in tree.children,
        assessable=tree.is_assessable(criterion.id),
        status=status,
        carved_out=carved_out,
        derived=derived,
        reason=reason,
        controls=findings,
        via=via,
    )


def _finding(control: Control, verdict: ControlVerdict) -> ControlFinding:
    if control.status is ControlStatus.CARVED_OUT:
        if verdict.effective:
            reason = "carved out: the reports of the vendors it relies on are valid"
        else:
            parts = ", ".join(
                f"{n} {state.value.lower().replace('_', ' ')}" for state, n in sorted(verdict.failing.items())
            )
            reason = f"carved out, not effective: {parts}"
    elif control.status is not ControlStatus.IMPLEMENTED:
        reason = (
            "not applicable: ignored" if control.status is ControlStatus.NOT_APPLICABLE else "planned, not implemented"
        )
    elif verdict.effective:
        scope = f"all {verdict.assets} assets" if verdict.assets else "the control (it applies to no asset)"
        reason = f"effective: valid, current evidence for {scope}"
    else:
        parts = ", ".join(
            f"{n} {state.value.lower().replace('_', ' ')}" for state, n in sorted(verdict.failing.items())
        )
        reason = f"not effective: {parts}"
    return ControlFinding(
        control_id=control.id,
        title=control.title,
        status=control.status,
        effective=verdict.effective,
        reason=reason,
    )


def _direct_reason(status: CoverageStatus, findings: list[ControlFinding]) -> str:
    implemented = [f for f in findings if f.status.counts_as_implemented]
    if not implemented:
        return "no implemented control satisfies it"
    effective = sum(f.effective for f in implemented)
    if all(f.status is ControlStatus.CARVED_OUT for f in implemented):
        return f"carved out: {effective} of {len(implemented)} controls effective on their vendors' reports"
    return f"{effective} of {len(implemented)} implemented controls effective"


def _crosswalk_reason(status: CoverageStatus, via: list[CrosswalkCandidate]) -> str:
    if not via:
        return "no control satisfies it and no crosswalk mapping reaches it"
    best = max(via, key=lambda v: v.candidate.rank)
    return (
        f"through the crosswalk: {best.criterion_id} {_PHRASES[best.relationship]} it "
        f"and is {best.neighbour_status.value}"
    )


# How "n is rel c" reads in a sentence.
_PHRASES = {
    MappingRelationship.EQUAL: "equals",
    MappingRelationship.SUBSET_OF: "is a subset of",
    MappingRelationship.SUPERSET_OF: "is a superset of",
    MappingRelationship.INTERSECTS_WITH: "intersects",
}
