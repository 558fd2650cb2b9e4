"""Role enforcement on REST routes, from the one table in roles.py (GraphQL fields: guard.py).

`RoleRequired(operation)` is a route dependency: a caller whose role does not allow `operation`
is recorded in the audit log and answered 403 FORBIDDEN."""

from __future__ import annotations

import asyncio

from fastapi import Request

from graph.errors import ForbiddenError
from service.auth.audit_drafts import denial_draft
from service.auth.roles import Principal
from service.error_codes import code_of


class RoleRequired:
    """`Depends(RoleRequired("GET /api/export"))`: the caller's role must allow the operation."""

    def __init__(self, operation: str) -> None:
        self.operation = operation

    async def __call__(self, request: Request) -> Principal:
        principal: Principal | None = getattr(request.state, "principal", None)
        if principal is None or not principal.may(self.operation):
            draft = denial_draft(self.operation, str(request.url.query), code_of(ForbiddenError), principal=principal)
            await asyncio.to_thread(request.app.state.store.access.append_audit, draft)
            raise ForbiddenError(f"{self.operation}: your role may not do this")
        return principal
