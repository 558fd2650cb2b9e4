"""One JSON log line and one count per request, and its request id, as plain ASGI (outermost).

The line (logger `attestgraph.requests`) holds the method, the route template (never the path
itself, nor its query string), the status, the duration, the caller's role and actor id (never a
credential), and the request id, which the answer also carries in `X-Request-ID`. It stands in
for uvicorn's access log, which `serve` turns off (service/observability/logging_setup.py)."""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.routing import Mount

from service.auth.middleware import ASGIApp, Message, Receive, Scope, Send, header
from service.auth.roles import Principal
from service.observability.metrics import HTTP_REQUESTS, HTTP_SECONDS
from service.observability.request_id import HEADER, chosen, reset_request_id, set_request_id

log = logging.getLogger("attestgraph.requests")

UNROUTED = "(unrouted)"  # one label for every request no route answered (unknown paths alike)
NO_ROLE = "(none)"


def route_template(scope: Scope) -> str:
    """The template of the route that answered ("/api/engagements/{engagement_id}/package"), as
    the router left it in the scope; UNROUTED for a request answered before routing (refused by
    the gate) or matching no route."""
    route = scope.get("route")
    if route is None:
        return UNROUTED
    if isinstance(route, Mount):
        return f"{route.path}/*"  # the dashboard's files: one label for all of them
    template: str = getattr(route, "path", UNROUTED)
    return template


def actor_id(principal: Principal) -> str:
    """Who, without a key's name: "key:<id>" of "key:<id> (<name>)", "oidc:<subject>", ..."""
    return principal.actor.split(" ", 1)[0]


class RequestObservation:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = chosen(header(scope, HEADER.encode()))
        started = time.perf_counter()
        status = 500  # unless an answer starts: an exception escaped everything below
        recorded = False

        def record() -> None:
            nonlocal recorded
            if not recorded:
                recorded = True
                self._record(scope, route_template(scope), status, time.perf_counter() - started, request_id)

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (HEADER.encode(), request_id.encode())]
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                record()  # before the last bytes go: a caller that has its answer finds the line written
            await send(message)

        token = set_request_id(request_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            reset_request_id(token)
            record()

    @staticmethod
    def _record(scope: Scope, route: str, status: int, seconds: float, request_id: str) -> None:
        method: str = scope["method"]
        state: dict[str, Any] = scope.get("state") or {}
        principal: Principal | None = state.get("principal")
        role = principal.role_text if principal is not None else NO_ROLE
        HTTP_REQUESTS.labels(route=route, method=method, status=str(status), role=role).inc()
        HTTP_SECONDS.labels(route=route, method=method).observe(seconds)
        log.info(
            "%s %s %s",
            method,
            route,
            status,
            extra={
                "request_id": request_id,
                "method": method,
                "route": route,
                "status": status,
                "duration_ms": round(seconds * 1000, 3),
                "role": role,
                "actor": actor_id(principal) if principal is not None else None,
            },
        )
