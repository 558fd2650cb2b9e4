"""The read tools: each asks the same query function its GraphQL field asks and answers compactly.

An agent's context is small, so every answer gives its counts in full and at most `limit` rows
(default 20, at most 100) from `offset`, with `total` and `truncated` saying what was left out.
Errors the queries raise on purpose become tool errors naming the argument as spelled here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from graph import queries
from graph.errors import AttestgraphError
from graph.model import ChangeKind, CoverageStatus, FindingStatus, NodeId, Severity, UtcDatetime, now_utc
from graph.queries.results import ChangeRequest
from graph.store import GraphStore

T = TypeVar("T")

DEFAULT_LIMIT = 20
MAX_LIMIT = 100

Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT, description=f"Rows to return (1-{MAX_LIMIT}).")]
Offset = Annotated[int, Field(ge=0, description="Rows to skip, for the next page.")]
Instant = Annotated[UtcDatetime, Field(description="An ISO 8601 instant with its offset, e.g. 2026-11-15T00:00:00Z.")]

# A finding may name many CVEs; an answer shows this many of each and says how many there are.
MAX_CVES = 5

# The queries name fields as the GraphQL API spells them; the tools' arguments are snake_case.
ARGUMENT_NAMES = {"maxDepth": "max_depth", "change.asset": "asset", "change.at": "at"}


def page(rows: Sequence[T], limit: int, offset: int) -> dict[str, Any]:
    """The counts and the one page of `rows` every listing answer carries."""
    shown = list(rows[offset : offset + limit])
    return {
        "total": len(rows),
        "offset": offset,
        "limit": limit,
        "truncated": offset + len(shown) < len(rows),
        "rows": shown,
    }


def asking(fn: Callable[..., T], *args: Any) -> T:
    """Run a query; its deliberate errors become tool errors naming the tool's argument."""
    try:
        return fn(*args)
    except AttestgraphError as error:
        message = str(error)
        for api_name, argument in ARGUMENT_NAMES.items():
            message = message.replace(f"{api_name}:", f"{argument}:")
        raise ToolError(message) from error


def coverage(
    store: GraphStore,
    framework: NodeId,
    as_of: Instant | None = None,
    status: list[CoverageStatus] | None = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> dict[str, Any]:
    report = asking(queries.coverage, store, framework, as_of or now_utc())
    wanted = set(status or [CoverageStatus.UNCOVERED, CoverageStatus.PARTIAL])
    rows = [
        {"criterion": c.criterion_id, "ref": c.ref, "status": c.status, "derived": c.derived, "reason": c.reason}
        for c in report.criteria
        if c.assessable and c.status in wanted
    ]
    return {
        "framework": report.framework,
        "as_of": report.as_of.isoformat(),
        "totals": report.totals.model_dump(),
        "by_category": [c.model_dump() for c in report.by_category],
        "criteria": page(rows, limit, offset),
    }


def blast_radius(
    store: GraphStore, asset: NodeId, max_depth: int | None = None, limit: Limit = DEFAULT_LIMIT
) -> dict[str, Any]:
    result = asking(queries.blast_radius, store, asset, max_depth)
    lists: dict[str, list[Any]] = {
        "assets": [{"asset": a.asset_id, "distance": a.distance} for a in result.assets],
        "controls": result.controls,
        "criteria": result.criteria,
        "frameworks": result.frameworks,
        "vendors": result.vendors,
    }
    answer: dict[str, Any] = {"asset": result.asset_id, "max_depth": result.max_depth}
    answer.update({name: page(rows, limit, 0) for name, rows in lists.items()})
    answer["evidence_count"] = len(result.evidence)
    return answer


def missing_evidence(
    store: GraphStore,
    framework: NodeId | None = None,
    as_of: Instant | None = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> dict[str, Any]:
    report = asking(queries.missing_evidence, store, as_of or now_utc(), framework)
    rows = [
        {
            "control": r.control_id,
            "asset": r.asset_id,
            "reason": r.reason,
            "since": r.since.isoformat() if r.since else None,
            "vendor": r.vendor_id,
            # OPEN_FINDINGS rows only: the oldest overdue finding and its age.
            **({"finding": r.finding_id, "finding_age_days": r.finding_age_days} if r.finding_id else {}),
        }
        for r in report.rows
    ]
    return {
        "framework": report.framework,
        "as_of": report.as_of.isoformat(),
        "by_reason": dict(Counter(str(r.reason) for r in report.rows)),
        "missing": page(rows, limit, offset),
    }


def evidence_gaps(
    store: GraphStore,
    start: Instant,
    end: Instant,
    framework: NodeId | None = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> dict[str, Any]:
    report = asking(queries.evidence_gaps, store, start, end, framework)
    rows = [
        {
            "control": c.control_id,
            "frequency": c.frequency,
            "gaps": c.gaps,
            "intervals": len(c.intervals),
            "first_gap": next((i.start.isoformat() for i in c.intervals if i.is_gap), None),
        }
        for c in report.controls
        if c.gaps
    ]
    return {
        "framework": report.framework,
        "start": report.start.isoformat(),
        "end": report.end.isoformat(),
        "controls": len(report.controls),
        "total_gaps": sum(c.gaps for c in report.controls),
        "controls_with_gaps": page(rows, limit, offset),
    }


def crosswalk(
    store: GraphStore, source: NodeId, target: NodeId, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0
) -> dict[str, Any]:
    report = asking(queries.crosswalk, store, source, target)
    rows = [
        {"source": r.source, "target": r.target, "relationship": r.relationship, "strength": r.strength}
        for r in report.rows
    ]
    return {
        "source": report.source_framework,
        "target": report.target_framework,
        "by_relationship": dict(Counter(str(r.relationship) for r in report.rows)),
        "mappings": page(rows, limit, offset),
    }


def impact(
    store: GraphStore,
    asset: NodeId,
    at: Instant,
    propagate: bool = True,
    kind: ChangeKind = ChangeKind.OTHER,
    limit: Limit = DEFAULT_LIMIT,
) -> dict[str, Any]:
    report = asking(queries.impact, store, ChangeRequest(asset_id=asset, at=at, propagate=propagate, kind=kind))
    stale = [{"evidence": s.evidence_id, "control": s.control_id, "asset": s.asset_id} for s in report.stale_evidence]
    return {
        "asset": report.asset_id,
        "at": report.at.isoformat(),
        "recorded": report.recorded,
        "assets": page(report.assets, limit, 0),
        "stale_evidence": page(stale, limit, 0),
        "frameworks": [
            {
                "framework": f.framework,
                "before": f.before.model_dump(),
                "after": f.after.model_dump(),
                "changes": page([c.model_dump(mode="json") for c in f.changes], limit, 0),
            }
            for f in report.frameworks
        ],
    }


def findings(
    store: GraphStore,
    asset: NodeId | None = None,
    severity: list[Severity] | None = None,
    status: FindingStatus | None = None,
    limit: Limit = DEFAULT_LIMIT,
    after: Annotated[
        str | None, Field(max_length=1000, description="The last finding id of the page before, for the next page.")
    ] = None,
) -> dict[str, Any]:
    page = asking(queries.findings, store, asset, severity or [], status, limit, after)
    rows = [
        {
            "id": f.id,
            "asset": f.asset,
            "severity": f.severity,
            "plugin": f.plugin,
            "name": f.name,
            "port": f.port,
            "cves": f.cves[:MAX_CVES],
            "cve_count": len(f.cves),
            "cvss3": f.cvss3,
            "first_seen": f.first_seen.isoformat(),
            "last_seen": f.last_seen.isoformat(),
            "status": f.status,
            "fixed_at": f.fixed_at.isoformat() if f.fixed_at else None,
        }
        for f in page.findings
    ]
    return {
        "total": page.total,
        "limit": limit,
        "truncated": page.has_next,
        "next_after": rows[-1]["id"] if page.has_next and rows else None,
        "rows": rows,
    }
