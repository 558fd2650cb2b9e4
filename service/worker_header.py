"""`X-Attestgraph-Worker: <pid>` on every response, when ATTESTGRAPH_WORKER_HEADER is on.

With `serve --workers N` the kernel hands each connection to one of N processes; tests and load
checks use this header to know which process answered (and so that a write through one is read
back through another). Off by default: answers then say nothing about the process layout.
"""

from __future__ import annotations

import os

from service.auth.middleware import ASGIApp, Message, Receive, Scope, Send

HEADER = b"x-attestgraph-worker"


class WorkerHeader:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.pid = str(os.getpid()).encode()  # made in the worker: the app is built there

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_pid(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (HEADER, self.pid)]
            await send(message)

        await self.app(scope, receive, with_pid)
