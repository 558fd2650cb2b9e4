"""Relay connections: `first`/`after`, `edges`, `pageInfo`, plus `totalCount`."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import strawberry

from graph.errors import InvalidInputError

T = TypeVar("T")
S = TypeVar("S")

DEFAULT_PAGE = 50
MAX_PAGE = 500


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
    try:
        decoded = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidInputError.one("after", "is not a cursor this API issued") from None
    prefix, _, value = decoded.partition(":")
    if prefix != kind:
        raise InvalidInputError.one("after", "is not a cursor this API issued")
    return value


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
        value = decode_cursor("o", after)
        if not value.isdigit():
            raise InvalidInputError.one("after", "is not a cursor this API issued")
        start = int(value) + 1
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
