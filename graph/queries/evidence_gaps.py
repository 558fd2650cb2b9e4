"""Type II period gaps.

Rule (DESIGN.md "Period gaps"): over `[start, end)`, an implemented control of frequency F expects
accepted evidence in each consecutive interval `[start + i·F, start + (i+1)·F)` (the last one cut
at `end`). An interval is operated when some accepted, non-superseded item of the control was
collected inside it, or observed part of it (its `[period_start, period_end)` overlaps the
interval); each interval not operated is a gap. A planned or not-applicable control is not
expected to operate.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from graph.errors import InvalidInputError, NotFoundError
from graph.model import Control, ControlStatus, Label, natural_key, to_utc
from graph.queries.coverage import require_framework
from graph.queries.results import ControlPeriod, EvidenceGapsReport, GapInterval
from graph.queries.scope import framework_controls
from graph.rules.evaluation import period_intervals
from graph.store import GraphStore

# A Type II period is 6-12 months; allow a few years, refuse what would explode into intervals.
MAX_PERIOD_DAYS = 3 * 366


def evidence_gaps(
    store: GraphStore, start: datetime, end: datetime, framework_id: str | None = None
) -> EvidenceGapsReport:
    """The Type II intervals of each implemented control over a period, and which are gaps.

    Parameters
    ----------
    store : GraphStore
        The graph to read.
    start, end : datetime
        The period `[start, end)`; `end` must be later, by at most `MAX_PERIOD_DAYS`
        (else `InvalidInputError`, field `end`).
    framework_id : str or None
        Only the controls this framework's coverage depends on; None: every control.

    Returns
    -------
    EvidenceGapsReport
        Per implemented control (id order): its intervals of one frequency each, the accepted
        evidence collected in each, and the number of gaps (intervals with none).

    Examples
    --------
    >>> period = evidence_gaps(store, datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC), "soc2")
    >>> [(c.control_id, c.gaps, len(c.intervals)) for c in period.controls]
    [('AC-01', 1, 2), ('MON-02', 2, 2)]
    """
    check_period(start, end)
    if framework_id is not None:
        require_framework(store, framework_id)
        controls = framework_controls(store, framework_id)
    else:
        controls = _all_controls(store)
    periods = control_gaps(store, controls, start, end)
    return EvidenceGapsReport(framework=framework_id, start=start, end=end, controls=periods)


def control_period(store: GraphStore, control_id: str, start: datetime, end: datetime) -> ControlPeriod | None:
    """One control's Type II intervals over a period and its gaps (a control's own page).

    Parameters
    ----------
    store : GraphStore
        The graph to read.
    control_id : str
        The control; an unknown id raises `NotFoundError` (field `control`).
    start, end : datetime
        The period `[start, end)`, checked as for `evidence_gaps`.

    Returns
    -------
    ControlPeriod or None
        Its intervals and number of gaps; None when the control is not implemented (planned,
        not applicable and carved-out controls have no gaps).

    Examples
    --------
    >>> period = control_period(store, "AC-01", datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))
    >>> (period.gaps, len(period.intervals))
    (1, 2)
    """
    check_period(start, end)
    control = store.get_nodes(Label.CONTROL, [control_id]).get(control_id)
    if not isinstance(control, Control):
        raise NotFoundError(Label.CONTROL.value, control_id, "control")
    return next(iter(control_gaps(store, [control], start, end)), None)


def check_period(start: datetime, end: datetime, field: str = "end") -> None:
    """Refuse an empty or backwards period, or one that would explode into intervals.

    Parameters
    ----------
    start, end : datetime
        The period `[start, end)`.
    field : str
        The input field named by the error (`end`; an engagement's `periodEnd`).

    Returns
    -------
    None
        Raises `InvalidInputError` naming `field` when `end` is not later than `start` or the
        period spans more than `MAX_PERIOD_DAYS`.

    Examples
    --------
    >>> check_period(at, at)
    Traceback (most recent call last):
    ...
    graph.errors.InvalidInputError: end: must be later than start
    """
    if end <= start:
        raise InvalidInputError.one(field, "must be later than start")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise InvalidInputError.one(field, f"a period may span at most {MAX_PERIOD_DAYS} days")


def control_gaps(store: GraphStore, controls: Iterable[Control], start: datetime, end: datetime) -> list[ControlPeriod]:
    """The rule above for the given controls: a framework's, every control, or an engagement's.

    Parameters
    ----------
    store : GraphStore
        The graph to read.
    controls : Iterable[Control]
        The controls to judge; only the implemented ones are expected to operate.
    start, end : datetime
        The period `[start, end)` (checked by the caller: `check_period`).

    Returns
    -------
    list[ControlPeriod]
        Per implemented control, in the order given: its intervals and its number of gaps.

    Examples
    --------
    >>> [control] = store.get_nodes(Label.CONTROL, ["MON-02"]).values()
    >>> [(p.control_id, p.gaps) for p in control_gaps(store, [control], at - timedelta(days=62), at)]
    [('MON-02', 2)]
    """
    implemented = [c for c in controls if c.status is ControlStatus.IMPLEMENTED]
    lower_utc, upper_utc = to_utc(start), to_utc(end)
    bounds_of = {c.id: period_intervals(lower_utc, upper_utc, c.frequency) for c in implemented}
    collected = store.accepted_evidence_counts(bounds_of) if implemented else {}
    observed = store.accepted_evidence_periods(list(bounds_of), start, end) if implemented else {}
    periods = []
    # A daily control has 365 intervals a year: built without validation, from values that are
    # already what the fields hold (UTC instants, counts).
    for control in implemented:
        bounds = bounds_of[control.id]
        counts = list(collected[control.id])  # a copy: observations are added to it
        _add_observations(counts, bounds, observed.get(control.id, []), control.frequency.interval)
        intervals = [
            GapInterval.model_construct(start=lower, end=upper, evidence_count=count)
            for (lower, upper), count in zip(bounds, counts, strict=True)
        ]
        periods.append(
            ControlPeriod.model_construct(
                control_id=control.id,
                frequency=control.frequency.value,
                intervals=intervals,
                gaps=sum(1 for i in intervals if i.is_gap),
            )
        )
    return periods


def _add_observations(
    counts: list[int],
    bounds: list[tuple[datetime, datetime]],
    periods: list[tuple[datetime, datetime, datetime]],
    step: timedelta,
) -> None:
    """Count each observing item once in every interval its period overlaps, except the one it
    was collected in (already counted there).

    The intervals are `step` long from the first lower bound (the last one cut), so the ones a
    period overlaps are found by arithmetic: a year-long monitoring export against a daily
    control is 365 increments, not a scan of 365 intervals per item.
    """
    if not bounds:
        return
    origin, last = bounds[0][0], len(bounds) - 1
    for period_start, period_end, collected_at in periods:
        first = max(0, (period_start - origin) // step)
        # The interval holding the period's last instant: the one before the first at or past its end.
        final = min(last, -((origin - period_end) // step) - 1)
        for index in range(first, final + 1):
            lower, upper = bounds[index]
            if lower < period_end and period_start < upper and not lower <= collected_at < upper:
                counts[index] += 1


def _all_controls(store: GraphStore) -> list[Control]:
    controls: list[Control] = []
    after: str | None = None
    while True:
        page = store.list_nodes(Label.CONTROL, first=1000, after=after)
        controls.extend(page)  # type: ignore[arg-type]
        if len(page) < 1000:
            break
        after = page[-1].id
    return sorted(controls, key=lambda c: natural_key(c.id))
