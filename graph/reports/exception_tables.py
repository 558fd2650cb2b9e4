"""The package's audit exception and remediation CSV files (issue 14 item 3).

Open and overdue are judged at the package's generation time, not at the engagement's reference
instant: exceptions are found and remediated in fieldwork, after the period (the reference
instant) has ended, so the auditor takes away their state when the package is made. The
`judged_at` column says so on every row; the manifest carries the same instant.
"""

from __future__ import annotations

from collections.abc import Iterator

from graph.queries.exceptions import ExceptionState
from graph.reports.csv_cells import Cell, csv_chunks
from graph.reports.source import PackageSource

EXCEPTIONS_HEADER = (
    "exception_id",
    "control_id",
    "evidence_id",
    "severity",
    "found_at",
    "description",
    "supersedes",
    "superseded_by",
    "recorded_by",
    "recorded_at",
    "open",
    "overdue",
    "judged_at",
    "remediation_id",
    "remediation_owner",
    "remediation_due",
    "remediation_plan",
    "remediation_status",
    "remediation_closed_at",
    "remediation_evidence",
)
REMEDIATION_HEADER = (
    "exception_id",
    "remediation_id",
    "owner",
    "due",
    "plan",
    "status",
    "closed_at",
    "evidence",
    "recorded_by",
    "recorded_at",
    "current",
)


def _exception_row(state: ExceptionState, source: PackageSource) -> list[Cell]:
    e, current, at = state.exception, state.current, source.generated_at
    latest: list[Cell] = (
        [
            current.id,
            current.owner,
            current.due,
            current.plan,
            current.status,
            current.closed_at,
            " ".join(current.evidence) or None,
        ]
        if current is not None
        else [None] * 7
    )
    return [
        e.id,
        e.control,
        e.evidence,
        e.severity,
        e.found_at,
        e.description,
        e.supersedes,
        state.superseded_by,
        e.recorded_by,
        e.recorded_at,
        state.is_open,
        state.is_overdue(at),
        at,
        *latest,
    ]


def exceptions_table(source: PackageSource) -> Iterator[bytes]:
    """Every exception of the engagement (a superseded one too), by found_at then id, with its
    latest remediation; no exception still gives the header."""
    return csv_chunks(EXCEPTIONS_HEADER, (_exception_row(s, source) for s in source.exceptions))


def _remediation_rows(source: PackageSource) -> Iterator[list[Cell]]:
    for state in source.exceptions:
        for r in state.remediations:
            yield [
                state.exception.id,
                r.id,
                r.owner,
                r.due,
                r.plan,
                r.status,
                r.closed_at,
                " ".join(r.evidence) or None,
                r.recorded_by,
                r.recorded_at,
                r is state.current,
            ]


def remediation_table(source: PackageSource) -> Iterator[bytes]:
    """The full remediation history: per exception (in exceptions.csv's order), every appended
    record oldest first; the last is its current state."""
    return csv_chunks(REMEDIATION_HEADER, _remediation_rows(source))
