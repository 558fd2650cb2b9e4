"""The population of a control in a Type II engagement: what an auditor samples from.

Rule (issue 14 item 1): for a type2 engagement and a control in its scope (as
graph/queries/engagement.py decides), the population is the control's accepted, non-superseded
evidence: an item collected in `[period_start, period_end)` is one unit (keyed by its id); an
item with an observation period is one unit per period-gap interval it operates (the intervals
of `period_intervals` for the control's frequency; it operates one when its observation overlaps
it, as the gap rule says), wherever it was collected, keyed `<id>@<interval start>`. Evidence
scoped (COVERS) only to assets outside the boundary is not in it. Units are in natural order of key.

Pure over the `GraphStore` protocol: one evidence read per control, so both stores agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from graph.errors import InvalidInputError, NotFoundError
from graph.model import Control, Engagement, EngagementKind, Label, natural_key
from graph.queries.engagement import engagement_scope, in_boundary
from graph.queries.results import AcceptedItem
from graph.rules.evaluation import period_intervals
from graph.store import GraphStore


@dataclass(frozen=True)
class PopulationUnit:
    """One occurrence of a control an auditor may select."""

    key: str  # the evidence id, or `<evidence id>@<interval start>` for an observation's interval
    evidence_id: str
    collected_at: datetime
    interval_start: datetime | None = None  # None: a point item
    interval_end: datetime | None = None


@dataclass(frozen=True)
class Population:
    engagement: Engagement
    control: Control
    units: list[PopulationUnit]  # natural order of key

    @property
    def keys(self) -> list[str]:
        return [unit.key for unit in self.units]


def _iso_z(moment: datetime) -> str:
    """An instant as ISO-8601 in UTC ending in Z (the interval part of a unit key)."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def population_units(
    items: list[AcceptedItem], start: datetime, end: datetime, control: Control, boundary: set[str] | None
) -> list[PopulationUnit]:
    """The rule above over one control's accepted items; public so the auditor's package lists
    every in-scope control's population without re-reading the engagement's scope per control.

    Parameters
    ----------
    items : list[AcceptedItem]
        The control's accepted items over the period (the store's `accepted_evidence_items`).
    start, end : datetime
        The engagement's period.
    control : Control
        The control (its frequency sets the intervals an observing item is counted in).
    boundary : set of str or None
        The engagement's boundary (None: every asset).

    Returns
    -------
    list[PopulationUnit]
        The units in natural order of key.

    Examples
    --------
    >>> start, end = datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)
    >>> control = store.get_nodes(Label.CONTROL, ["AC-01"])["AC-01"]
    >>> [u.key for u in population_units(store.accepted_evidence_items("AC-01", start, end), start, end, control, None)]
    ['ev-1']
    """
    intervals = period_intervals(start, end, control.frequency)
    units: list[PopulationUnit] = []
    for item in items:
        if item.covers and not any(in_boundary(a, boundary) for a in item.covers):
            continue  # it speaks only for assets outside the audited system
        if item.period_start is not None and item.period_end is not None:
            units.extend(
                PopulationUnit(f"{item.evidence_id}@{_iso_z(lower)}", item.evidence_id, item.collected_at, lower, upper)
                for lower, upper in intervals
                if lower < item.period_end and item.period_start < upper
            )
        elif start <= item.collected_at < end:
            units.append(PopulationUnit(item.evidence_id, item.evidence_id, item.collected_at))
    return sorted(units, key=lambda unit: natural_key(unit.key))


def engagement_population(store: GraphStore, engagement: Engagement, control_id: str) -> Population:
    """The population of one in-scope control of a type2 engagement.

    Parameters
    ----------
    store : GraphStore
        The graph to read.
    engagement : Engagement
        A type2 engagement (else `InvalidInputError` naming `engagement`).
    control_id : str
        A control in the engagement's scope (else `NotFoundError` or `InvalidInputError`
        naming `control`).

    Returns
    -------
    Population
        The engagement, the control and its units in natural order of key.

    Examples
    --------
    >>> audit = Engagement(id="audit", name="A", framework="soc2", kind="type2",
    ...                    period_start=datetime(2026, 10, 1, tzinfo=UTC), period_end=datetime(2026, 12, 1, tzinfo=UTC))
    >>> engagement_population(store, audit, "AC-01").keys
    ['ev-1']
    >>> engagement_population(store, audit, "nope")
    Traceback (most recent call last):
    ...
    graph.errors.NotFoundError: control: Control 'nope' does not exist
    """
    if engagement.kind is not EngagementKind.TYPE2:
        raise InvalidInputError.one("engagement", f"'{engagement.id}' is type1: a population is over a type2 period")
    assert engagement.period_start is not None and engagement.period_end is not None  # the model's rule
    control = store.get_nodes(Label.CONTROL, [control_id]).get(control_id)
    if not isinstance(control, Control):
        raise NotFoundError(Label.CONTROL.value, control_id, "control")
    controls, boundary = engagement_scope(store, engagement)
    if control_id not in controls:
        raise InvalidInputError.one("control", f"'{control_id}' is not in the scope of engagement '{engagement.id}'")
    items = store.accepted_evidence_items(control_id, engagement.period_start, engagement.period_end)
    units = population_units(items, engagement.period_start, engagement.period_end, control, boundary)
    return Population(engagement=engagement, control=control, units=units)


def unit_of_key(key: str, collected_at: datetime, control: Control, engagement: Engagement) -> PopulationUnit:
    """A recorded unit key read back as a unit (a sample's items).

    Parameters
    ----------
    key : str
        A unit key: an evidence id, or `<id>@<interval start>` (the interval of the control's
        frequency starting there, cut at the period's end).
    collected_at : datetime
        When its evidence item was collected.
    control, engagement : Control, Engagement
        The sampled control (its frequency) and engagement (its period's end).

    Returns
    -------
    PopulationUnit
        The unit, as the population listed it.

    Examples
    --------
    >>> audit = Engagement(id="audit", name="A", framework="soc2", kind="type2",
    ...                    period_start=datetime(2026, 10, 1, tzinfo=UTC), period_end=datetime(2026, 12, 1, tzinfo=UTC))
    >>> control = store.get_nodes(Label.CONTROL, ["MON-02"])["MON-02"]
    >>> unit = unit_of_key("ev-9@2026-11-01T00:00:00Z", at, control, audit)
    >>> unit.evidence_id, unit.interval_end.isoformat()
    ('ev-9', '2026-12-01T00:00:00+00:00')
    """
    evidence_id, sep, start_text = key.rpartition("@")
    if not sep:
        return PopulationUnit(key, key, collected_at)
    start = datetime.fromisoformat(start_text)
    end = start + control.frequency.interval
    if engagement.period_end is not None:
        end = min(end, engagement.period_end)
    return PopulationUnit(key, evidence_id, collected_at, start, end)
