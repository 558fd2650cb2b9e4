"""/mcp whose SDK loads after the service starts serving.

The MCP SDK takes about a second of imports, which every start of `serve` paid before answering
anything. Here the route exists from the start; the SDK is imported and its session manager run
in a background task of the app's lifespan, and a request that comes before it is ready waits
for it (a few hundred milliseconds at most after start).
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.routing import Route

from service.auth.middleware import Receive, Scope, Send

PATH = "/mcp"
METHODS = ["GET", "POST", "DELETE"]


class BackgroundMcp:
    """The /mcp endpoint, handed to the SDK's once `running` has loaded it."""

    def __init__(self, store_of: Any) -> None:
        self.store_of: Any = store_of  # () -> GraphStore
        self._endpoint: Any = None
        self._ready: asyncio.Event | None = None

    def route(self) -> Route:
        return Route(PATH, endpoint=self, methods=METHODS)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """For the app's lifetime: load the SDK in a worker thread, then run its session manager."""
        ready, stop = asyncio.Event(), asyncio.Event()
        self._ready = ready

        async def serve() -> None:
            http = await asyncio.to_thread(importlib.import_module, "service.mcp.http")
            route, server = http.mcp_route(self.store_of)
            async with http.running(server):
                self._endpoint = route.endpoint
                ready.set()
                await stop.wait()

        task = asyncio.create_task(serve())
        try:
            yield
        finally:
            stop.set()
            await task
            self._endpoint = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._ready is None:
            raise RuntimeError("/mcp is served only inside the app's lifespan")
        await self._ready.wait()
        await self._endpoint(scope, receive, send)
