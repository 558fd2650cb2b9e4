"""How a REST route's failure is answered: `{code, message[, fields]}` with the status of
service/error_codes.py; an unexpected failure is logged and answered without its details."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from graph.errors import AttestgraphError
from service.error_codes import answer_for, field_problems, message_of

log = logging.getLogger("attestgraph")


async def domain_error(_: Request, error: AttestgraphError) -> JSONResponse:
    answer = answer_for(error)
    body: dict[str, Any] = {"code": answer.code, "message": message_of(error)}
    problems = field_problems(error)
    if problems is not None:
        body["fields"] = problems
    return JSONResponse(body, status_code=answer.http_status)


async def unexpected_error(_: Request, error: Exception) -> JSONResponse:
    log.error("unexpected error", exc_info=error)  # the caller gets a code, never a trace
    answer = answer_for(AttestgraphError)  # answered as the base of the domain's errors: INTERNAL
    return JSONResponse({"code": answer.code, "message": "Internal server error"}, status_code=answer.http_status)


Handler = Callable[[Request, Any], Coroutine[Any, Any, Response]]
HANDLERS: dict[int | type[Exception], Handler] = {AttestgraphError: domain_error, Exception: unexpected_error}
