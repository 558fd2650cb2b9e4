"""The embedded store's finding reads, answered from memory: an asset's findings are the sources
of the AFFECTS edges into it (the adjacency maps are the index by asset), every finding is the
label's id order."""

from __future__ import annotations

import bisect
from collections.abc import Collection, Iterable

from graph.model import Finding, FindingStatus, Label, Rel, Severity, natural_key
from graph.store import FindingFilter, FindingPage
from graph.stores.embedded.adjacency import Adjacency


def findings_page(
    graph: Adjacency, asset_ids: Collection[str] | None, where: FindingFilter, first: int, after: str | None
) -> FindingPage:
    """`GraphStore.findings` of the assets (None: of all), in natural order of id."""
    if asset_ids is None:
        ids: list[str] = graph.sorted_ids(Label.FINDING)
    else:
        ids = sorted({f for a in asset_ids for f in graph.into(a, Rel.AFFECTS)}, key=natural_key)
    nodes = graph.nodes[Label.FINDING]
    matching = [f for f in (nodes[i] for i in ids) if _matches(f, where)]
    start = 0 if after is None else bisect.bisect_right(matching, natural_key(after), key=lambda f: natural_key(f.id))
    return FindingPage(findings=matching[start : start + max(first, 0)], total=len(matching))


def open_counts(graph: Adjacency, asset_ids: Iterable[str]) -> dict[Severity, int]:
    """`GraphStore.open_finding_counts`."""
    counts: dict[Severity, int] = {}
    nodes = graph.nodes[Label.FINDING]
    for finding_id in {f for a in set(asset_ids) for f in graph.into(a, Rel.AFFECTS)}:
        finding: Finding = nodes[finding_id]
        if finding.status is FindingStatus.OPEN:
            counts[finding.severity] = counts.get(finding.severity, 0) + 1
    return counts


def _matches(finding: Finding, where: FindingFilter) -> bool:
    if where.severities and finding.severity not in where.severities:
        return False
    return where.status is None or finding.status is where.status
