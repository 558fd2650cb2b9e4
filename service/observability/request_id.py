"""The id of the request being served: taken from a well-formed incoming `X-Request-ID` (so a
proxy's id follows the request through), else made here; returned in the response's header,
written in the request's log line and in every audit entry the request makes."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar, Token

HEADER = "x-request-id"
# Letters, digits and . _ : - up to 128 characters: a UUID, a proxy's or a trace's id all fit, and
# nothing a caller sends can break a log line or grow the audit entry past its limit.
WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")

# Set by the request middleware for the request's task; `asyncio.to_thread` copies it into the
# worker thread, so the store (and the audit entry it seals) sees it too.
_CURRENT: ContextVar[str | None] = ContextVar("attestgraph_request_id", default=None)


def chosen(incoming: str | None) -> str:
    """The incoming id if it is well formed, else a new one."""
    if incoming is not None and WELL_FORMED.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    """The id of the request this code serves, or None outside a request (the CLI)."""
    return _CURRENT.get()


def set_request_id(request_id: str | None) -> Token[str | None]:
    """Make `request_id` current; returns the token `reset_request_id` takes."""
    return _CURRENT.set(request_id)


def reset_request_id(token: Token[str | None]) -> None:
    _CURRENT.reset(token)
