"""The request gate (body size, credential, rate limit) and the security headers, as plain ASGI.

Public without a credential: `/healthz`, `/readyz`, the dashboard's static files (code, no data:
the dashboard then asks for a key and sends it with every request) and, outside production,
the GraphiQL page itself (it sends the key you type into its headers editor). Everything else
needs `Authorization: Bearer <API key or OIDC token>` or `X-API-Key: <API key>`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from graph.errors import StoreUnavailableError
from service.auth.audit_drafts import denial_draft
from service.auth.keys import Authenticator
from service.auth.rate_limit import RateLimiter, retry_after
from service.auth.roles import Principal
from service.error_codes import UNAVAILABLE_MESSAGE, answer_for
from service.observability.metrics import record_refusal

log = logging.getLogger("attestgraph.auth")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PROBES = ("/healthz", "/readyz")
API_PREFIXES = ("/graphql", "/mcp", "/api", "/openapi.json", "/docs", "/redoc", "/metrics")
IMPORT_PREFIX = "/api/imports/"  # uploads of other tools' files: limited by max_import_bytes


class BodyTooLarge(Exception):
    pass


async def send_json(send: Send, status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]] = ()) -> None:  # type: ignore[assignment]
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            text: str = value.decode("latin-1")
            return text
    return None


def credential(scope: Scope) -> str | None:
    authorization = header(scope, b"authorization")
    if authorization is not None:
        scheme, _, token = authorization.partition(" ")
        # Another scheme (Basic, …) is presented but can never be valid: refused and recorded.
        return (token.strip() or None) if scheme.lower() == "bearer" else authorization
    api_key = header(scope, b"x-api-key")
    return api_key.strip() or None if api_key is not None else None


class Gate:
    """Refuse oversized bodies (413), unauthenticated requests (401) and callers over their
    rate (429) before the app sees them; hand the app the caller as `request.state.principal`."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        max_import_bytes: int,
        limiter: RateLimiter,
        dashboard: bool,
        graphiql: bool,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_import_bytes = max_import_bytes
        self.limiter = limiter
        self.dashboard = dashboard
        self.graphiql = graphiql

    def is_public(self, scope: Scope) -> bool:
        path: str = scope["path"]
        method: str = scope["method"]
        if path in PROBES:
            return True
        if method not in ("GET", "HEAD"):
            return False
        if path == "/graphql" and self.graphiql:
            # The IDE page only: a GET carrying a query executes it and needs a credential.
            accept = header(scope, b"accept") or ""
            return not scope.get("query_string") and "text/html" in accept
        return self.dashboard and not path.startswith(API_PREFIXES)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})  # no subscriptions: nothing to serve
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.body_limit(scope)
        length = header(scope, b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await send_json(send, 413, _error("PAYLOAD_TOO_LARGE", f"request bodies are limited to {limit} bytes"))
            return
        if not self.is_public(scope):
            principal = await self._authenticate(scope, send)
            if principal is None:
                return
            # Set before the rate check too: a refusal is logged and counted with the caller's role.
            scope.setdefault("state", {})["principal"] = principal
            wait = self.limiter.take(principal.rate_key)
            if wait > 0:
                await _too_many(send, wait)
                return
        await self._call_limited(scope, receive, send, limit)

    def body_limit(self, scope: Scope) -> int:
        """The most bytes a request's body may hold: an uploaded scan or BOM may exceed what an API
        call needs, so the import route has a limit of its own."""
        path: str = scope["path"]
        return self.max_import_bytes if path.startswith(IMPORT_PREFIX) else self.max_body_bytes

    async def _authenticate(self, scope: Scope, send: Send) -> Principal | None:
        token = credential(scope)
        client = (scope.get("client") or ("unknown", 0))[0]
        if token is None:
            wait = self.limiter.take(f"ip:{client}")
            if wait > 0:
                await _too_many(send, wait)
                return None
            await _unauthenticated(send, "a credential is required: Authorization: Bearer <API key or token>")
            return None
        app = scope["app"]
        authenticator: Authenticator = app.state.authenticator
        try:
            principal = await authenticator.authenticate(token)
        except StoreUnavailableError as error:
            # Keys live in the store: while it is down no key can be checked (cached ones still work).
            log.warning("cannot check a credential: %s", error)
            unavailable = answer_for(StoreUnavailableError)
            body = _error(unavailable.code, UNAVAILABLE_MESSAGE)
            await send_json(send, unavailable.http_status, body, [(b"retry-after", b"5")])
            return None
        if principal is not None:
            return principal
        # A wrong credential is an attempt worth recording; the per-address limit bounds how often.
        wait = self.limiter.take(f"ip:{client}")
        if wait > 0:
            await _too_many(send, wait)
            return None
        operation = f"{scope['method']} {scope['path']}"
        draft = denial_draft(operation, token, "UNAUTHENTICATED", principal=None, actor=f"unauthenticated:{client}")
        try:
            await asyncio.to_thread(app.state.store.access.append_audit, draft)
        except Exception:  # the refusal stands even if the log cannot be written
            log.exception("could not audit a refused credential")
        await _unauthenticated(send, "the credential is not valid (unknown, malformed, expired or revoked)")
        return None

    async def _call_limited(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await send_json(send, 413, _error("PAYLOAD_TOO_LARGE", f"request bodies are limited to {limit} bytes"))


def _error(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}


async def _unauthenticated(send: Send, message: str) -> None:
    await send_json(
        send, 401, _error("UNAUTHENTICATED", message), [(b"www-authenticate", b'Bearer realm="attestgraph"')]
    )


async def _too_many(send: Send, wait: float) -> None:
    record_refusal("RATE_LIMITED")
    await send_json(
        send,
        429,
        _error("RATE_LIMITED", "too many requests; slow down"),
        [(b"retry-after", retry_after(wait).encode())],
    )


API_CSP = b"default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
DASHBOARD_CSP = (
    b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    b"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    b"frame-ancestors 'none'"
)
# GraphiQL's stylesheet carries its fonts inline (data: URLs); otherwise the dashboard's policy.
GRAPHIQL_CSP = DASHBOARD_CSP.replace(b"font-src 'self'", b"font-src 'self' data:")
COMMON_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
    (b"strict-transport-security", b"max-age=63072000; includeSubDomains"),
]


class SecurityHeaders:
    """Headers every response carries; API answers are never cached, the dashboard gets a CSP
    that allows only its own files, and so does the GraphiQL page (off in production), whose code
    is part of the dashboard's build (service/graphql/ide.py)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        is_api = path.startswith(API_PREFIXES) or path in PROBES
        graphiql_page = path == "/graphql" and scope["method"] == "GET" and not scope.get("query_string")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in COMMON_HEADERS if k not in present]
                policy = GRAPHIQL_CSP if graphiql_page else API_CSP if is_api else DASHBOARD_CSP
                extra.append((b"content-security-policy", policy))
                if is_api:
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)
