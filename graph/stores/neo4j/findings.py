"""The Neo4j store's finding reads: one statement each, the page and its total together.

A finding keeps its asset as a property (beside its AFFECTS edge, as every node keeps its edge
fields), with a range index of its own (schema.PROPERTY_INDEXES), so an asset's findings are an
index seek; pages follow the order key (`_order`, natural order of id) as every list does.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from neo4j import Record

from graph.model import Finding, FindingStatus, Label, Severity, after_key
from graph.store import FindingFilter, FindingPage
from graph.stores.neo4j.schema import ORDER
from graph.stores.neo4j.values import node_model, unique_ids

F = Label.FINDING.value

_FILTER = "(size($severities) = 0 OR f.severity IN $severities) AND ($status IS NULL OR f.status = $status)"


def _page(asset_filter: str) -> str:
    """The count and the page of the findings `asset_filter` (a Cypher predicate on `f`) admits.

    With an asset filter, the asset index is a hint: left alone, the planner walks the order
    index past `$after` (no sort) and filters by asset, which reads every later finding of every
    asset to fill a page of one; an asset's findings are few, and sorting them is cheap."""
    where = f"{asset_filter} AND {_FILTER}" if asset_filter else _FILTER
    match = f"MATCH (f:{F}) USING INDEX f:{F}(asset)" if asset_filter else f"MATCH (f:{F})"
    return (
        f"COUNT {{ {match} WHERE {where} }} AS total, "
        f"COLLECT {{ {match} WHERE {where} AND f.{ORDER} > $after "
        f"RETURN properties(f) AS props ORDER BY f.{ORDER} LIMIT $first }} AS page"
    )


PAGE_ALL = f"RETURN {_page('')}"
PAGE_OF_ASSETS = f"RETURN {_page('f.asset IN $assets')}"
PAGE_PER_ASSET = f"UNWIND $assets AS a RETURN a AS asset, {_page('f.asset = a')}"
OPEN_COUNTS = (
    f"MATCH (f:{F}) WHERE f.asset IN $assets AND f.status = '{FindingStatus.OPEN.value}' "
    "RETURN f.severity AS severity, count(*) AS n"
)


def _params(where: FindingFilter, first: int, after: str | None) -> dict[str, Any]:
    return {
        "severities": sorted(s.value for s in where.severities),
        "status": where.status.value if where.status is not None else None,
        "after": "" if after is None else after_key(after),
        "first": max(first, 0),
    }


def _page_of(record: Record) -> FindingPage:
    found = [node_model(Label.FINDING, props) for props in record["page"]]
    return FindingPage(findings=[f for f in found if isinstance(f, Finding)], total=record["total"])


class FindingReads:
    """The finding needs of `GraphStore`, mixed into `Neo4jStore` (which provides `_read`)."""

    _read: Callable[..., list[Record]]

    def findings(self, where: FindingFilter, first: int, after: str | None = None) -> FindingPage:
        params = _params(where, first, after)
        if where.assets is None:
            [record] = self._read(PAGE_ALL, **params)
        else:
            [record] = self._read(PAGE_OF_ASSETS, assets=unique_ids(where.assets), **params)
        return _page_of(record)

    def findings_by_asset(
        self, asset_ids: Collection[str], where: FindingFilter, first: int, after: str | None = None
    ) -> dict[str, FindingPage]:
        wanted = unique_ids(asset_ids)
        if not wanted:
            return {}
        records = self._read(PAGE_PER_ASSET, assets=wanted, **_params(where, first, after))
        return {record["asset"]: _page_of(record) for record in records}

    def open_finding_counts(self, asset_ids: Collection[str]) -> dict[Severity, int]:
        wanted = unique_ids(asset_ids)
        if not wanted:
            return {}
        return {Severity(record["severity"]): record["n"] for record in self._read(OPEN_COUNTS, assets=wanted)}
