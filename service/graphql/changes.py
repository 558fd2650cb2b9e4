"""An asset's change history in GraphQL: the `Change` type (derived from the model) and its
connection, newest first (cursor: the last change's id, so a page reads only what it shows)."""

from __future__ import annotations

import strawberry

from graph import model as m
from service.graphql.loading import GqlInfo
from service.graphql.model_types import convert, object_type
from service.graphql.pagination import (
    Connection,
    Edge,
    decode_cursor,
    encode_cursor,
    fetched_connection,
    page_size,
)


@object_type(m.Change, ids=("id", "asset", "propagated_from"), description="One recorded change of an asset.")
class Change:
    # Every recorded change has an id (the model's is optional only for a bundle's input).
    id: strawberry.ID = strawberry.field(description="Unique id of the recorded change.")


async def change_connection(info: GqlInfo, asset_id: str, first: int | None, after: str | None) -> Connection[Change]:
    size = page_size(first)
    after_id = decode_cursor("change", after) if after is not None else None
    store = info.context.store
    found = await info.context.call(store.asset_changes, asset_id, size + 1, after_id)
    total = await info.context.call(store.count_changes, asset_id)
    edges = [
        Edge(node=convert(Change, c, id=strawberry.ID(c.id or "")), cursor=encode_cursor("change", c.id or ""))
        for c in found[:size]
    ]
    return fetched_connection(edges, len(found), size, after, total)
