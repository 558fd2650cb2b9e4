"""The MCP server over streamable HTTP at /mcp, behind the same gate and role table as GraphQL.

The gate (service/auth/middleware.py) has already refused a request without a valid credential
(401); here the caller's role must allow `<METHOD> /mcp` in service/auth/roles.py, which grants it
to the roles that may read the graph. A refusal is recorded in the audit log, as REST's are.
Stateless JSON responses: each POST is one exchange, so no session outlives a request and any
worker can answer it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from starlette.routing import Route

from graph.errors import ForbiddenError
from service.auth.audit_drafts import denial_draft
from service.auth.middleware import Receive, Scope, Send, send_json
from service.auth.roles import Principal
from service.error_codes import code_of
from service.mcp.server import StoreOf, build_server

PATH = "/mcp"
METHODS = ["GET", "POST", "DELETE"]


class McpEndpoint:
    """The ASGI endpoint: check the caller's role, then hand the request to the SDK's session manager."""

    def __init__(self, server: MCPServer, store_of: StoreOf) -> None:
        self.server = server
        self.store_of = store_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        principal: Principal | None = scope.get("state", {}).get("principal")
        operation = f"{scope['method']} {PATH}"
        if principal is None or not principal.may(operation):
            draft = denial_draft(operation, "", code_of(ForbiddenError), principal=principal)
            await asyncio.to_thread(self.store_of().access.append_audit, draft)
            body = {"code": code_of(ForbiddenError), "message": f"{operation}: your role may not do this"}
            await send_json(send, 403, body)
            return
        await self.server.session_manager.handle_request(scope, receive, send)


def mcp_route(store_of: StoreOf) -> tuple[Route, MCPServer]:
    """The /mcp route and its server; `running(server)` must wrap the app's lifespan."""
    server = build_server(store_of)
    return Route(PATH, endpoint=McpEndpoint(server, store_of), methods=METHODS), server


@asynccontextmanager
async def running(server: MCPServer) -> AsyncIterator[None]:
    """Run the SDK's session manager for the app's lifetime (a route has no lifespan of its own). A
    manager runs once: each lifespan (an app may be started again) gets a new one."""
    # Host and Origin are not checked here: every request already carries a key the gate checked,
    # which a rebound page in a browser cannot present.
    server.streamable_http_app(
        stateless_http=True,
        json_response=True,
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )
    async with server.session_manager.run():
        yield
