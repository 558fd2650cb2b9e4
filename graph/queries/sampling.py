"""Drawing and recording an auditor's sample of a control's population (issue 14 item 1).

The draw is reproducible from (seed, engagement, control, population keys) only: the keys in
natural order, shuffled by a generator seeded with the SHA-256 of seed, engagement and control;
so the same seed on the same graph draws the same items on either store. The size is the
engagement's override for the control's frequency or the default (graph/model/samples.py), never
more than the population. A recorded sample is never silently redrawn: the same seed returns it,
another seed is a conflict unless `redraw` with a reason, which records a new sample and keeps
the old one.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import datetime

from graph.bundle import Bundle
from graph.errors import ConflictError, InvalidInputError
from graph.model import (
    DEFAULT_SAMPLE_SIZES,
    Control,
    Engagement,
    Label,
    Sample,
    derived_sample_id,
    natural_key,
    now_utc,
)
from graph.queries.engagement import get_engagement
from graph.queries.population import engagement_population
from graph.store import GraphStore


@dataclass(frozen=True)
class SampleRequest:
    engagement_id: str
    control_id: str
    seed: str
    drawn_by: str | None = None  # the caller, stamped by the server
    redraw: bool = False
    reason: str | None = None


def sample_size(engagement: Engagement, control: Control) -> int:
    """How many units to draw for the control: the engagement's override or the default.

    Parameters
    ----------
    engagement : Engagement
        Its `sample_sizes` overrides the defaults per frequency.
    control : Control
        Its frequency picks the size.

    Returns
    -------
    int
        The size before it is capped at the population.

    Examples
    --------
    >>> audit = Engagement(id="audit", name="A", framework="soc2", kind="type2", sample_sizes={"weekly": 9},
    ...                    period_start=datetime(2026, 10, 1, tzinfo=UTC), period_end=datetime(2026, 12, 1, tzinfo=UTC))
    >>> sample_size(audit, store.get_nodes(Label.CONTROL, ["AC-01"])["AC-01"])  # monthly
    2
    """
    return engagement.sample_sizes.get(control.frequency, DEFAULT_SAMPLE_SIZES[control.frequency])


def draw_keys(seed: str, engagement_id: str, control_id: str, keys: list[str], size: int) -> list[str]:
    """`size` keys (at most all) drawn reproducibly, in natural order.

    Parameters
    ----------
    seed, engagement_id, control_id : str
        What seeds the generator.
    keys : list[str]
        The population's unit keys (any order).
    size : int
        How many to draw.

    Returns
    -------
    list[str]
        The drawn keys in natural order.

    Examples
    --------
    >>> draw_keys("s", "e", "c", ["b", "a", "c"], 5)
    ['a', 'b', 'c']
    """
    ordered = sorted(keys, key=natural_key)
    digest = hashlib.sha256("\x00".join((seed, engagement_id, control_id)).encode()).digest()
    chosen = random.Random(int.from_bytes(digest, "big")).sample(ordered, min(size, len(ordered)))
    return sorted(chosen, key=natural_key)


def recorded_samples(store: GraphStore, engagement_id: str, control_id: str | None = None) -> list[Sample]:
    """The samples recorded for an engagement (and control), oldest first.

    Parameters
    ----------
    store : GraphStore
        The graph to read.
    engagement_id : str
        The engagement.
    control_id : str or None
        Only this control's samples; None: every control's.

    Returns
    -------
    list[Sample]
        By `drawn_at`, then natural order of id (a redraw after the sample it replaces).

    Examples
    --------
    >>> recorded_samples(store, "audit")
    []
    """
    where = {"engagement": engagement_id} | ({"control": control_id} if control_id is not None else {})
    found: list[Sample] = []
    after: str | None = None
    while True:
        page = store.list_nodes(Label.SAMPLE, first=1000, after=after, where=where)
        found.extend(s for s in page if isinstance(s, Sample))
        if len(page) < 1000:
            return sorted(found, key=lambda s: (s.drawn_at, natural_key(s.id)))
        after = page[-1].id


def record_sample(store: GraphStore, request: SampleRequest, now: datetime | None = None) -> Sample:
    """Draw a sample of an in-scope control of a type2 engagement and record it (one write).

    Parameters
    ----------
    store : GraphStore
        The graph to read and write.
    request : SampleRequest
        Engagement, control, seed (1..200 characters), the caller, and `redraw` with a `reason`
        to replace a recorded sample (which stays recorded).
    now : datetime or None
        The server's clock (None: read it now).

    Returns
    -------
    Sample
        The recorded sample: the one already recorded for that seed (unchanged), or the new one.

    Examples
    --------
    >>> audit = Engagement(id="audit", name="A", framework="soc2", kind="type2",
    ...                    period_start=datetime(2026, 10, 1, tzinfo=UTC), period_end=datetime(2026, 12, 1, tzinfo=UTC))
    >>> _ = store.write(Bundle(engagements=[audit]))
    >>> drawn = record_sample(store, SampleRequest("audit", "AC-01", "s1", "cli:ann"))
    >>> drawn.items, drawn.size, drawn.population_size, drawn.drawn_by
    (['ev-1'], 1, 1, 'cli:ann')
    >>> record_sample(store, SampleRequest("audit", "AC-01", "s1")) == drawn
    True
    """
    if not 1 <= len(request.seed) <= 200:
        raise InvalidInputError.one("seed", "must be 1 to 200 characters")
    engagement = get_engagement(store, request.engagement_id, "engagement")
    population = engagement_population(store, engagement, request.control_id)
    previous = recorded_samples(store, engagement.id, request.control_id)
    current = previous[-1] if previous else None
    if current is not None and not request.redraw:
        if current.seed == request.seed:
            return current  # idempotent: the recorded draw, unchanged
        raise ConflictError(
            f"seed: a sample of control '{request.control_id}' is already recorded for engagement "
            f"'{engagement.id}' with another seed; a sample is never silently redrawn (redraw: true with a reason)"
        )
    if request.redraw and not (request.reason or "").strip():
        raise InvalidInputError.one("reason", "is required to redraw a sample: it is kept on the new record")
    size = min(sample_size(engagement, population.control), len(population.units))
    redraw_of = current.id if request.redraw and current is not None else None
    sample = Sample(
        id=derived_sample_id(engagement.id, request.control_id, request.seed, redraw_of),
        engagement=engagement.id,
        control=request.control_id,
        seed=request.seed,
        size=size,
        population_size=len(population.units),
        items=draw_keys(request.seed, engagement.id, request.control_id, population.keys, size),
        drawn_at=now if now is not None else now_utc(),
        drawn_by=request.drawn_by,
        redraw_of=redraw_of,
        reason=request.reason if request.redraw else None,
    )
    store.write(Bundle(samples=[sample]), immutable_evidence=True)
    return sample
