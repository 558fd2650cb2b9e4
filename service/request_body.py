"""Check a GraphQL request's transport (its JSON body, or its GET parameters) before Strawberry
reads it, so malformed input gets `400` and a code instead of an internal error.

Strawberry assumes the body decodes as UTF-8 to a JSON object; `null`, `42` or `"x"` reach
`.get` on a non-dict, bytes that are not UTF-8 and JSON nested past the recursion limit raise
in the decoder, and an array is answered in plain text. Here each is refused in the GraphQL
error shape: `{"errors": [{"message", "extensions": {"code": "BAD_REQUEST", "fields": [...]}}]}`.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from service.auth.middleware import ASGIApp, Message, Receive, Scope, Send, header, send_json

# GraphQL variables are input objects a few levels deep; nothing legitimate comes near this.
MAX_JSON_DEPTH = 64
CODE = "BAD_REQUEST"


class BadRequest(Exception):
    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")

    def body(self) -> dict[str, Any]:
        extensions = {"code": CODE, "fields": [{"field": self.field, "reason": self.reason}]}
        return {"errors": [{"message": str(self), "extensions": extensions}]}


def _nested_deeper_than(value: object, limit: int) -> bool:
    # Iterative, so the check itself cannot overflow the stack it protects.
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth + 1 > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def parse_json(text: bytes | str, field: str) -> Any:
    """JSON from the wire: UTF-8 only, at most `MAX_JSON_DEPTH` levels, else `BadRequest`."""
    try:
        decoded = text.decode("utf-8") if isinstance(text, bytes) else text
    except UnicodeDecodeError as error:
        raise BadRequest(field, f"is not valid UTF-8 (byte {error.start})") from None
    too_deep = BadRequest(field, f"is nested too deeply (at most {MAX_JSON_DEPTH} levels)")
    try:
        value = json.loads(decoded)
    except RecursionError:
        raise too_deep from None
    except ValueError as error:
        raise BadRequest(field, f"is not valid JSON ({error})") from None
    if _nested_deeper_than(value, MAX_JSON_DEPTH):
        raise too_deep
    return value


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


def check_request(value: object) -> None:
    """The shape the GraphQL-over-HTTP spec asks for: one object (no batches) whose `query` and
    `operationName` are strings and whose `variables` and `extensions` are objects (or null)."""
    if not isinstance(value, dict):
        raise BadRequest("body", f'must be a JSON object such as {{"query": "..."}}, not {_kind(value)}')
    for name, wanted in (("query", str), ("operationName", str), ("variables", dict), ("extensions", dict)):
        field = value.get(name)
        if field is not None and not isinstance(field, wanted):
            what = "a string" if wanted is str else "an object"
            raise BadRequest(name, f"must be {what} or null, not {_kind(field)}")


def check_get_parameters(query_string: bytes) -> None:
    try:
        params = parse_qs(query_string.decode("utf-8", errors="strict"), errors="strict")
    except UnicodeDecodeError:
        raise BadRequest("query string", "is not valid UTF-8") from None
    for name in ("variables", "extensions"):
        for text in params.get(name, []):
            if text and not isinstance(parse_json(text, name), dict):
                raise BadRequest(name, "must be a JSON object")


class GraphQLRequestCheck:
    """Plain ASGI in front of the GraphQL route: refuse a malformed request with `400`, else hand
    the app the body it read, unchanged. Sits inside the gate, so the body is size-limited and
    the caller authenticated before any of it is parsed."""

    def __init__(self, app: ASGIApp, *, path: str = "/graphql") -> None:
        self.app = app
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        try:
            if scope["method"] == "GET":
                check_get_parameters(scope.get("query_string", b""))
            elif scope["method"] == "POST":
                body = await _read_body(receive)
                content_type = header(scope, b"content-type") or ""
                if "application/json" not in content_type.lower():
                    raise BadRequest("Content-Type", "must be application/json")
                check_request(parse_json(body, "body"))
                receive = _replay(body, receive)
        except BadRequest as error:
            await send_json(send, 400, error.body())
            return
        await self.app(scope, receive, send)


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: the disconnect, when it comes

    return replay
