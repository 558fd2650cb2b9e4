"""The package's CSV files, each a writer from the package's source to CSV chunks.

Rows stream: the coverage matrix reads one criterion's evidence at a time from the store; the
gaps and crosswalk tables come from the engagement report, which already holds them.
"""

from __future__ import annotations

from collections.abc import Iterator

from graph.model import Control, EngagementKind, Evidence, Frequency, Label, Rel, natural_key
from graph.queries.engagement import EngagementReport, in_boundary
from graph.reports.csv_cells import Cell, csv_chunks
from graph.reports.source import PackageSource
from graph.rules.evaluation import evidence_end

COVERAGE_HEADER = (
    "criterion_id",
    "criterion_ref",
    "criterion_title",
    "criterion_category",
    "criterion_status",
    "criterion_carved_out",
    "control_id",
    "control_title",
    "control_status",
    "control_owner",
    "control_frequency",
    "open_exceptions",
    "evidence_id",
    "evidence_title",
    "evidence_collected_at",
    "evidence_status",
    "evidence_period_start",
    "evidence_period_end",
    "evidence_uri",
    "evidence_sha256",
    "evidence_superseded_by",
)
GAPS_HEADER = ("control_id", "control_frequency", "interval_start", "interval_end", "operated", "operating_evidence")
CROSSWALK_HEADER = ("criterion_id", "neighbour_id", "relationship", "neighbour_status", "candidate_status")


def belongs_to_engagement(report: EngagementReport, item: Evidence, frequency: Frequency) -> bool:
    """Type I: collected at or before `as_of`. Type II: collected before the period's end and
    speaking for some of the period: collected in it, observing part of it, or still valid at its
    start (an annual review done the month before counts; last decade's does not)."""
    engagement = report.engagement
    if engagement.kind is EngagementKind.TYPE1:
        return item.collected_at <= report.reference_instant
    start, end = engagement.period_start, engagement.period_end
    assert start is not None and end is not None  # the model requires them for type2
    if item.collected_at >= end:
        return False
    observed_into = item.period_end is not None and item.period_end > start
    return item.collected_at >= start or observed_into or evidence_end(item, frequency) > start


def scoped_evidence(source: PackageSource, control_ids: list[str]) -> dict[str, list[Evidence]]:
    """Per control, its evidence in scope of the boundary that belongs to the engagement (an item with no
    COVERS edge speaks for every asset of its control; with some, for those), ordered by when it
    was collected. One round trip per relationship for the whole list."""
    store, boundary = source.store, set(source.report.boundary) if source.report.boundary is not None else None
    by_control = store.related(Rel.EVIDENCES, control_ids, reverse=True) if control_ids else {}
    controls = store.get_nodes(Label.CONTROL, control_ids) if control_ids else {}
    ids = [e for ids in by_control.values() for e in ids]
    items = store.get_nodes(Label.EVIDENCE, ids) if ids else {}
    covers = store.related(Rel.COVERS, ids) if ids else {}
    scoped: dict[str, list[Evidence]] = {}
    for control_id in control_ids:
        found = [items[e] for e in by_control.get(control_id, []) if e in items]
        control = controls[control_id]
        assert isinstance(control, Control)
        frequency = control.frequency
        scoped[control_id] = sorted(
            (
                e
                for e in found
                if isinstance(e, Evidence)
                and belongs_to_engagement(source.report, e, frequency)
                and (not covers.get(e.id) or any(in_boundary(a, boundary) for a in covers[e.id]))
            ),
            key=lambda e: (e.collected_at, natural_key(e.id)),
        )
    return scoped


def _superseded_by(items: list[Evidence]) -> dict[str, str]:
    """Only an item of the same control may supersede one, so the control's own list tells."""
    return {e.supersedes: e.id for e in items if e.supersedes}


def _coverage_rows(source: PackageSource) -> Iterator[list[Cell]]:
    report, open_exceptions = source.report, source.open_exceptions_by_control
    for row in report.coverage.criteria:
        control_ids = report.controls_behind.get(row.criterion_id, [])
        controls = source.store.get_nodes(Label.CONTROL, control_ids) if control_ids else {}
        evidence = scoped_evidence(source, control_ids)
        criterion: list[Cell] = [row.criterion_id, row.ref, row.title, row.category, row.status, row.carved_out]
        if not control_ids:
            yield criterion + [None] * (len(COVERAGE_HEADER) - len(criterion))
            continue
        for control_id in control_ids:
            control = controls[control_id]
            assert isinstance(control, Control)
            described: list[Cell] = [
                *criterion,
                control.id,
                control.title,
                control.status,
                control.owner,
                control.frequency,
                " ".join(open_exceptions.get(control_id, [])) or None,
            ]
            items = evidence.get(control_id, [])
            if not items:
                yield described + [None] * (len(COVERAGE_HEADER) - len(described))
            superseded = _superseded_by(items)
            for e in items:
                yield [
                    *described,
                    e.id,
                    e.title,
                    e.collected_at,
                    e.status,
                    e.period_start,
                    e.period_end,
                    e.uri,
                    e.sha256,
                    superseded.get(e.id),
                ]


def coverage_matrix(source: PackageSource) -> Iterator[bytes]:
    """One row per (in-scope criterion, in-scope control behind it, evidence item of that control
    in scope); a criterion or control with nothing below it still gets its row, cells left empty.
    `open_exceptions`: the ids of the engagement's open exceptions on the control, space-separated."""
    return csv_chunks(COVERAGE_HEADER, _coverage_rows(source))


def gaps_table(source: PackageSource) -> Iterator[bytes]:
    """Type II: every interval of every in-scope control's period, operated or not."""
    gaps = source.report.gaps
    assert gaps is not None  # listed for type2 engagements only
    rows: Iterator[list[Cell]] = (
        [p.control_id, p.frequency, interval.start, interval.end, not interval.is_gap, interval.evidence_count]
        for p in gaps.controls
        for interval in p.intervals
    )
    return csv_chunks(GAPS_HEADER, rows)


def crosswalk_table(source: PackageSource) -> Iterator[bytes]:
    """The mappings the crosswalk rule weighed, for the in-scope criteria judged through it."""
    report = source.report
    rows: Iterator[list[Cell]] = (
        [criterion_id, via.criterion_id, via.relationship, via.neighbour_status, via.candidate]
        for criterion_id in (row.criterion_id for row in report.coverage.criteria)
        for via in report.crosswalk.get(criterion_id, [])
    )
    return csv_chunks(CROSSWALK_HEADER, rows)
