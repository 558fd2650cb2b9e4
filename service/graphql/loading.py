"""Graph nodes as GraphQL objects, loaded through the request's DataLoaders.

A node type is declared with `node_type(label)`: its fields come from the label's model, and the
registry kept here lets every loader take the GraphQL class itself (`load_node(info, Control, id)`),
so each relationship resolver is one typed line and a list of N items still costs one store call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from strawberry.types import Info

from graph.model import NODE_EDGE_FIELDS, NODE_MODELS, Label, Rel
from service.graphql.context import Context
from service.graphql.model_types import convert, object_type
from service.graphql.pagination import Connection, Edge, PageInfo, decode_cursor, encode_cursor, page_size

N = TypeVar("N")
GqlInfo = Info[Context, None]

_LABEL_OF: dict[type, Label] = {}


def node_type(
    label: Label, *, description: str | None = None, ids: tuple[str, ...] = ()
) -> Callable[[type[N]], type[N]]:
    """The GraphQL type of a label's nodes: the model's fields, and the class's relationship resolvers.

    The class declares `node: strawberry.Private[<model>]` (the domain node, which its resolvers
    read) and a resolver for each edge the model carries as a field (a criterion's `framework`).
    `ids`: more fields shown as ID (references a record keeps as properties).
    """

    def decorate(cls: type[N]) -> type[N]:
        shown = ("id", *NODE_EDGE_FIELDS.get(label, {}), *ids)
        typed = object_type(NODE_MODELS[label], ids=shown, keep_as="node", description=description)(cls)
        _LABEL_OF[typed] = label
        return typed

    return decorate


def as_object(cls: type[N], node: Any) -> N:
    """The GraphQL object of a domain node."""
    return convert(cls, node)


async def load_node(info: GqlInfo, cls: type[N], node_id: str | None) -> N | None:
    if node_id is None:
        return None
    node = await info.context.loaders.node(_LABEL_OF[cls]).load(node_id)
    return as_object(cls, node) if node is not None else None


async def load_nodes(info: GqlInfo, cls: type[N], ids: list[str]) -> list[N]:
    found = await info.context.loaders.node(_LABEL_OF[cls]).load_many(ids)
    return [as_object(cls, node) for node in found if node is not None]


async def related_nodes(info: GqlInfo, cls: type[N], rel: Rel, node_id: str, *, reverse: bool = False) -> list[N]:
    """The nodes at the other end of `rel` from `node_id` (`reverse`: of the edges pointing at it)."""
    ids = await info.context.loaders.related(rel, reverse=reverse).load(node_id)
    return await load_nodes(info, cls, ids)


async def related_connection(
    info: GqlInfo,
    cls: type[N],
    rel: Rel,
    node_id: str,
    first: int | None,
    after: str | None,
    *,
    reverse: bool = False,
) -> Connection[N]:
    """A page of the nodes at the other end of `rel`, loading only that page's nodes."""
    ids = await info.context.loaders.related(rel, reverse=reverse).load(node_id)
    size = page_size(first)
    start = 0
    if after is not None:
        last = decode_cursor("id", after)
        start = ids.index(last) + 1 if last in ids else len(ids)
    window = ids[start : start + size]
    found = await info.context.loaders.node(_LABEL_OF[cls]).load_many(window)
    pairs = [(node.id, as_object(cls, node)) for node in found if node is not None]
    return _connection(pairs, has_next=start + size < len(ids), has_previous=start > 0, total=len(ids))


async def node_connection(
    info: GqlInfo, cls: type[N], first: int | None, after: str | None, where: dict[str, str] | None = None
) -> Connection[N]:
    """A page of all nodes of a type, ordered by id, straight from the store."""
    label = _LABEL_OF[cls]
    size = page_size(first)
    after_id = decode_cursor("id", after) if after is not None else None
    store = info.context.store
    found = await info.context.call(store.list_nodes, label, first=size + 1, after=after_id, where=where)
    total = await info.context.call(store.count_nodes, label, where)
    pairs = [(node.id, as_object(cls, node)) for node in found[:size]]
    return _connection(pairs, has_next=len(found) > size, has_previous=after is not None, total=total)


def _connection(pairs: list[tuple[str, N]], *, has_next: bool, has_previous: bool, total: int) -> Connection[N]:
    edges = [Edge(node=node, cursor=encode_cursor("id", node_id)) for node_id, node in pairs]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total,
    )
