"""Audit exceptions and their remediation, as of an instant T (issue 14).

Rule: the latest remediation of an exception (by `recorded_at`, then id; the store stamps a
bundle's records in list order) is its current state. An exception is **open** when no other
exception supersedes it and its current remediation is `open` or it has none; it is **overdue**
when open and its current remediation's `due` < T (due exactly at T is not overdue yet). A
superseded exception stays listed and counts for nothing: neither open nor overdue.

Pure functions over the `GraphStore` protocol: every question reads the exceptions once and the
remediations once, however many there are (no read per exception).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from graph.model import (
    AuditException,
    ExceptionSeverity,
    Label,
    Remediation,
    RemediationStatus,
    now_utc,
)
from graph.store import GraphStore

# Records are read whole: an engagement has tens of exceptions, not millions (bounded all the same).
MAX_RECORDS = 1_000_000


@dataclass(frozen=True)
class ExceptionState:
    """One exception with its remediation history (oldest first) and its superseder, if any."""

    exception: AuditException
    remediations: list[Remediation]
    superseded_by: str | None

    @property
    def current(self) -> Remediation | None:
        return self.remediations[-1] if self.remediations else None

    @property
    def is_open(self) -> bool:
        current = self.current
        return self.superseded_by is None and (current is None or current.status is RemediationStatus.OPEN)

    def is_overdue(self, at: datetime) -> bool:
        current = self.current
        return self.is_open and current is not None and current.due < at


@dataclass(frozen=True)
class ExceptionFilter:
    """Which exceptions a listing keeps; None: any."""

    engagement: str | None = None
    open: bool | None = None
    overdue: bool | None = None
    owner: str | None = None  # of the current remediation
    severity: ExceptionSeverity | None = None
    control: str | None = None


@dataclass(frozen=True)
class ExceptionPage:
    rows: list[ExceptionState]
    total: int  # matching the filter, all pages
    has_next: bool
    at: datetime
    ids: list[str] = field(default_factory=list)  # every matching id, in order (for cursors)


def _remediation_order(r: Remediation) -> tuple[datetime, str]:
    assert r.recorded_at is not None  # the store stamps every record
    return (r.recorded_at, r.id)


def _histories(remediations: Iterable[Remediation]) -> dict[str, list[Remediation]]:
    """Per exception id, its remediations oldest first (the last one is current)."""
    found: dict[str, list[Remediation]] = {}
    for r in sorted(remediations, key=_remediation_order):
        found.setdefault(r.exception, []).append(r)
    return found


def remediation_histories(store: GraphStore, exception_ids: Collection[str]) -> dict[str, list[Remediation]]:
    """The remediation history of each of `exception_ids`, oldest first (one store read).

    Parameters
    ----------
    store : GraphStore
        The graph to read.
    exception_ids : collection of str
        The exceptions asked about.

    Returns
    -------
    dict of str to list of Remediation
        Per asked id that has any, its remediations oldest first.

    Examples
    --------
    >>> remediation_histories(store, ["exc-none"])
    {}
    """
    wanted = set(exception_ids)
    every = store.list_nodes(Label.REMEDIATION, first=MAX_RECORDS)
    return _histories(r for r in every if isinstance(r, Remediation) and r.exception in wanted)


def exception_states(
    store: GraphStore, *, engagement: str | None = None, control: str | None = None
) -> list[ExceptionState]:
    """Every exception (of `engagement`, of `control`, when given) with its history, ordered by
    `found_at` then id: two store reads, whatever the number of exceptions.

    Parameters
    ----------
    store : GraphStore
        The graph to read.
    engagement, control : str or None
        Keep only the exceptions of this engagement, of this control.

    Returns
    -------
    list of ExceptionState
        The exceptions, their remediations oldest first and who supersedes each.

    Examples
    --------
    >>> exception_states(store, engagement="nope")
    []
    """
    where = {k: v for k, v in (("engagement", engagement), ("control", control)) if v is not None}
    # A correction has its exception's engagement and control: the filter keeps both.
    listed = store.list_nodes(Label.AUDIT_EXCEPTION, first=MAX_RECORDS, where=where)
    found = [e for e in listed if isinstance(e, AuditException)]
    if not found:
        return []
    superseded_by = {e.supersedes: e.id for e in sorted(found, key=lambda e: e.id) if e.supersedes is not None}
    history = remediation_histories(store, [e.id for e in found])
    ordered = sorted(found, key=lambda e: (e.found_at, e.id))
    return [ExceptionState(e, history.get(e.id, []), superseded_by.get(e.id)) for e in ordered]


def _matches(state: ExceptionState, wanted: ExceptionFilter, at: datetime) -> bool:
    """Whether an exception passes every filter given, at `at`."""
    current = state.current
    checks = (
        wanted.open is None or state.is_open == wanted.open,
        wanted.overdue is None or state.is_overdue(at) == wanted.overdue,
        wanted.owner is None or (current is not None and current.owner == wanted.owner),
        wanted.severity is None or state.exception.severity is wanted.severity,
    )
    return all(checks)


def list_exceptions(
    store: GraphStore,
    wanted: ExceptionFilter | None = None,
    at: datetime | None = None,
    *,
    first: int = 100,
    after: str | None = None,
) -> ExceptionPage:
    """A page of the exceptions that pass `wanted` at `at`, ordered by found_at then id.

    Parameters
    ----------
    store : GraphStore
        The graph to read.
    wanted : ExceptionFilter or None
        Engagement, open, overdue, owner (of the current remediation), severity, control.
    at : datetime or None
        The instant T that open and overdue are judged at (None: now).
    first : int
        The page size.
    after : str or None
        The id of the last exception of the previous page.

    Returns
    -------
    ExceptionPage
        The rows of the page, how many match in all and whether more follow.

    Examples
    --------
    >>> list_exceptions(store, ExceptionFilter(engagement="nope", open=True)).total
    0
    """
    wanted = wanted if wanted is not None else ExceptionFilter()
    at = at if at is not None else now_utc()
    kept = [
        s
        for s in exception_states(store, engagement=wanted.engagement, control=wanted.control)
        if _matches(s, wanted, at)
    ]
    ids = [s.exception.id for s in kept]
    start = ids.index(after) + 1 if after in ids else (len(ids) if after is not None else 0)
    rows = kept[start : start + max(first, 0)]
    return ExceptionPage(rows=rows, total=len(kept), has_next=start + len(rows) < len(kept), at=at, ids=ids)


def open_exception_ids(states: Iterable[ExceptionState]) -> dict[str, list[str]]:
    """Per control, the ids of its open exceptions (in listing order).

    Parameters
    ----------
    states : iterable of ExceptionState
        Exceptions as `exception_states` lists them.

    Returns
    -------
    dict of str to list of str
        Per control with any open exception, their ids.

    Examples
    --------
    >>> open_exception_ids(exception_states(store, engagement="nope"))
    {}
    """
    found: dict[str, list[str]] = {}
    for s in states:
        if s.is_open:
            found.setdefault(s.exception.control, []).append(s.exception.id)
    return found


def exception_row(state: ExceptionState, at: datetime) -> dict[str, object]:
    """One exception as a flat row of JSON-ready values, judged at `at` (the CLI prints these;
    a CSV has the same columns).

    Parameters
    ----------
    state : ExceptionState
        The exception with its history.
    at : datetime
        The instant T of `open` and `overdue`.

    Returns
    -------
    dict
        id, engagement, control, evidence, severity, found_at, description, supersedes,
        superseded_by, open, overdue, and the current remediation's id, status, owner, due,
        closed_at (None without one), with recorded_at / recorded_by of the exception.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> found = AuditException(id="x1", engagement="g", control="AC-01", description="no sign-off",
    ...                        severity="deficiency", found_at=datetime(2026, 11, 2, tzinfo=UTC))
    >>> row = exception_row(ExceptionState(found, [], None), at)
    >>> row["open"], row["overdue"], row["status"]
    (True, False, None)
    """
    e, current = state.exception, state.current

    def instant(value: datetime | None) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "id": e.id,
        "engagement": e.engagement,
        "control": e.control,
        "evidence": e.evidence,
        "severity": e.severity.value,
        "found_at": instant(e.found_at),
        "description": e.description,
        "supersedes": e.supersedes,
        "superseded_by": state.superseded_by,
        "open": state.is_open,
        "overdue": state.is_overdue(at),
        "remediation": current.id if current else None,
        "status": current.status.value if current else None,
        "owner": current.owner if current else None,
        "due": instant(current.due if current else None),
        "closed_at": instant(current.closed_at if current else None),
        "recorded_at": instant(e.recorded_at),
        "recorded_by": e.recorded_by,
    }
