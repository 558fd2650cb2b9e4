"""Findings as Relay connections (cursor: the last finding's id, in natural order of id), for
`Query.findings` and `Asset.findings`. An asset page's findings are batched: every `Asset.findings`
of one request with the same arguments is answered by one store call (`Loaders.findings`).

The GraphQL class is a parameter (service/graphql/nodes.py declares `Finding` beside `Asset`,
which this module cannot import without a cycle)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from graph.model import FindingStatus, Severity
from graph.queries.findings import findings
from graph.store import FindingPage
from service.graphql.loading import GqlInfo, as_object
from service.graphql.pagination import Connection, Edge, decode_cursor, encode_cursor, fetched_connection, page_size

N = TypeVar("N")

CURSOR = "finding"


def _connection(cls: type[N], page: FindingPage, size: int, after: str | None) -> Connection[N]:
    edges = [Edge(node=as_object(cls, f), cursor=encode_cursor(CURSOR, f.id)) for f in page.findings]
    return fetched_connection(edges, size + 1 if page.has_next else len(edges), size, after, page.total)


async def finding_connection(
    info: GqlInfo,
    cls: type[N],
    asset: str | None,
    severity: Sequence[Severity] | None,
    status: FindingStatus | None,
    first: int | None,
    after: str | None,
) -> Connection[N]:
    size = page_size(first)
    after_id = decode_cursor(CURSOR, after) if after is not None else None
    page = await info.context.call(findings, info.context.store, asset, severity or (), status, size, after_id)
    return _connection(cls, page, size, after)


async def asset_finding_connection(
    info: GqlInfo, cls: type[N], asset_id: str, status: FindingStatus | None, first: int | None, after: str | None
) -> Connection[N]:
    size = page_size(first)
    after_id = decode_cursor(CURSOR, after) if after is not None else None
    page = await info.context.loaders.findings(status, size, after_id).load(asset_id)
    return _connection(cls, page, size, after)
