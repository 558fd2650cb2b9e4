"""Relay connections: `first`/`after`, `edges`, `pageInfo`, plus `totalCount`."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import strawberry

from graph.errors import InvalidInputError

T = TypeVar("T")
S = TypeVar("S")

DEFAULT_PAGE = 50
MAX_PAGE = 500
# Cursors this API issues name an id or a position; anything longer is not one of them.
MAX_CURSOR = 1024
# A position is ASCII digits that fit a signed 64-bit integer (SQLite's and Neo4j's): `str.isdigit`
# also admits "²" and other digits `int` cannot read or a store cannot hold.
POSITION = re.compile(r"[0-9]{1,18}", re.ASCII)
NOT_OURS = "is not a cursor this API issued"


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    node: T
    cursor: str


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int


def encode_cursor(kind: str, value: str | int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{value}".encode()).decode()


def decode_cursor(kind: str, cursor: str) -> str:
    if len(cursor) > MAX_CURSOR:
        raise InvalidInputError.one("after", NOT_OURS)
    try:
        decoded = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidInputError.one("after", NOT_OURS) from None
    prefix, _, value = decoded.partition(":")
    if prefix != kind:
        raise InvalidInputError.one("after", NOT_OURS)
    return value


def decode_position(kind: str, cursor: str) -> int:
    """The position a cursor of `kind` names (an offset, an audit seq)."""
    value = decode_cursor(kind, cursor)
    if POSITION.fullmatch(value) is None:
        raise InvalidInputError.one("after", NOT_OURS)
    return int(value)


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE
    if first < 0 or first > MAX_PAGE:
        raise InvalidInputError.one("first", f"must be between 0 and {MAX_PAGE}")
    return first


def offset_window(items: Sequence[S], first: int | None, after: str | None) -> tuple[Sequence[S], int]:
    """The page of a list the query already computed (offset cursors), and its start offset."""
    size = page_size(first)
    start = 0
    if after is not None:
        start = decode_position("o", after) + 1
    return items[start : start + size], start


def slice_connection(items: Sequence[S], first: int | None, after: str | None, wrap: Callable[[S], T]) -> Connection[T]:
    window, start = offset_window(items, first, after)
    return offset_connection([wrap(item) for item in window], start, len(items))


def offset_connection(nodes: Sequence[T], start: int, total: int) -> Connection[T]:
    edges = [Edge(node=node, cursor=encode_cursor("o", start + i)) for i, node in enumerate(nodes)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=start + len(nodes) < total,
            has_previous_page=start > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total,
    )


def fetched_connection(edges: list[Edge[T]], fetched: int, size: int, after: str | None, total: int) -> Connection[T]:
    """A page whose store read asked for `size + 1` items (`fetched` came back): the extra one
    only says there is a next page."""
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=fetched > size,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total,
    )
