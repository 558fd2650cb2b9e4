"""Cache lifetimes of the dashboard's files, as plain ASGI.

Vite names every file it writes under `assets/` after a hash of its content, so such a file never
changes: browsers may keep it a year without asking again (`immutable`). Everything else the
dashboard serves (index.html, the page that names the current hashes) must be revalidated on every
load (`no-cache`, answered cheaply with a 304 thanks to the ETag), or a deploy would leave
browsers on old code. API answers are never cached (SecurityHeaders says `no-store`).
"""

from __future__ import annotations

import re

from service.auth.middleware import API_PREFIXES, PROBES, ASGIApp, Message, Receive, Scope, Send

# Vite's default file names: `<name>-<hash>.<ext>` (and `.js.map` beside them), hash ≥ 8 characters.
HASHED_ASSET = re.compile(r"^/assets/[^/]+-[A-Za-z0-9_-]{8,}\.[A-Za-z0-9.]+$")
IMMUTABLE = b"public, max-age=31536000, immutable"
REVALIDATE = b"no-cache"


def cache_control(path: str, status: int) -> bytes | None:
    """The Cache-Control of a dashboard answer, or None where this policy says nothing (API)."""
    if path.startswith(API_PREFIXES) or path in PROBES:
        return None
    if status in (200, 304) and HASHED_ASSET.match(path):
        return IMMUTABLE
    return REVALIDATE


class DashboardCaching:
    """Set Cache-Control on the dashboard's static answers (see the module's docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]

        async def with_cache_control(message: Message) -> None:
            if message["type"] == "http.response.start":
                value = cache_control(path, message["status"])
                if value is not None:
                    headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"]
                    message["headers"] = [*headers, (b"cache-control", value)]
            await send(message)

        await self.app(scope, receive, with_cache_control)
