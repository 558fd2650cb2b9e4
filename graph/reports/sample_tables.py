"""The package's Type II population and sample CSV files (issue 14 item 3).

`populations.csv` lists every unit of every in-scope control's population (controls in natural
order of id), as graph/queries/population.py defines it (one evidence read per control, never one
per unit), and whether the control's current sample (its latest recorded draw) selected it.
`samples.csv` lists every sample recorded for the engagement, a redrawn one too, one row per
drawn unit with its evidence item's URI and SHA-256 (one read of the samples, one of their
evidence items).
"""

from __future__ import annotations

from collections.abc import Iterator

from graph.model import Control, Evidence, Label, Sample, natural_key
from graph.queries.engagement import engagement_scope
from graph.queries.population import population_units, unit_of_key
from graph.queries.sampling import recorded_samples
from graph.reports.csv_cells import Cell, csv_chunks
from graph.reports.source import PackageSource

POPULATIONS_HEADER = (
    "control_id",
    "control_frequency",
    "unit_key",
    "evidence_id",
    "evidence_collected_at",
    "interval_start",
    "interval_end",
    "in_sample",
    "sample_id",
)
SAMPLES_HEADER = (
    "sample_id",
    "control_id",
    "seed",
    "size",
    "population_size",
    "drawn_at",
    "drawn_by",
    "redraw_of",
    "redraw_reason",
    "current",
    "unit_key",
    "evidence_id",
    "evidence_collected_at",
    "interval_start",
    "interval_end",
    "evidence_uri",
    "evidence_sha256",
)


def current_samples(samples: list[Sample]) -> dict[str, Sample]:
    """Per control, its latest sample (`recorded_samples` lists them oldest first): a redraw
    replaces the sample it redraws, which stays listed."""
    return {s.control: s for s in samples}


def _population_rows(source: PackageSource) -> Iterator[list[Cell]]:
    engagement = source.report.engagement
    start, end = engagement.period_start, engagement.period_end
    assert start is not None and end is not None  # listed for type2 engagements only
    # The scope the population functions check a control against, read once for every control.
    controls, boundary = engagement_scope(source.store, engagement)
    current = current_samples(recorded_samples(source.store, engagement.id))
    for control_id in sorted(controls, key=natural_key):
        control = controls[control_id]
        items = source.store.accepted_evidence_items(control_id, start, end)
        sample = current.get(control_id)
        drawn = set(sample.items) if sample is not None else set()
        for unit in population_units(items, start, end, control, boundary):
            chosen = unit.key in drawn
            yield [
                control_id,
                control.frequency,
                unit.key,
                unit.evidence_id,
                unit.collected_at,
                unit.interval_start,
                unit.interval_end,
                chosen,
                sample.id if chosen and sample is not None else None,
            ]


def populations_table(source: PackageSource) -> Iterator[bytes]:
    """Type II: every population unit of every in-scope control, in natural order of key."""
    return csv_chunks(POPULATIONS_HEADER, _population_rows(source))


def _evidence_id(key: str) -> str:
    return key.rpartition("@")[0] or key


def _sample_rows(source: PackageSource) -> Iterator[list[Cell]]:
    engagement = source.report.engagement
    samples = recorded_samples(source.store, engagement.id)
    if not samples:
        return
    current = {s.id for s in current_samples(samples).values()}
    controls = source.store.get_nodes(Label.CONTROL, list(dict.fromkeys(s.control for s in samples)))
    evidence_ids = list(dict.fromkeys(_evidence_id(k) for s in samples for k in s.items))
    evidence = source.store.get_nodes(Label.EVIDENCE, evidence_ids) if evidence_ids else {}
    for sample in samples:
        described: list[Cell] = [
            sample.id,
            sample.control,
            sample.seed,
            sample.size,
            sample.population_size,
            sample.drawn_at,
            sample.drawn_by,
            sample.redraw_of,
            sample.reason,
            sample.id in current,
        ]
        if not sample.items:
            yield described + [None] * (len(SAMPLES_HEADER) - len(described))
        control = controls.get(sample.control)
        for key in sample.items:
            item = evidence.get(_evidence_id(key))
            if not isinstance(item, Evidence) or not isinstance(control, Control):
                yield [*described, key, _evidence_id(key), None, None, None, None, None]
                continue
            unit = unit_of_key(key, item.collected_at, control, engagement)
            yield [
                *described,
                key,
                unit.evidence_id,
                unit.collected_at,
                unit.interval_start,
                unit.interval_end,
                item.uri,
                item.sha256,
            ]


def samples_table(source: PackageSource) -> Iterator[bytes]:
    """Type II: every recorded sample, oldest first, one row per drawn unit (a sample of an
    empty population keeps one row, its unit cells empty)."""
    return csv_chunks(SAMPLES_HEADER, _sample_rows(source))
