"""The audit entry of a request, built one way wherever it is decided: the gate (no valid
credential), a REST route's role check and a GraphQL root field's (service/auth/guard.py).

An entry keeps a digest of what the caller sent, never the text: a refused credential, a route's
query string, a field's arguments. It names the request it was made in (its X-Request-ID)."""

from __future__ import annotations

from typing import Any

from graph.access.audit import AuditDraft, digest
from service.auth.roles import Principal
from service.observability.request_id import current_request_id

ANONYMOUS = "(anonymous)"
NO_ROLE = "(none)"
MAX_OPERATION = 500  # AuditDraft's limit; a REST operation names the request's path, which the caller chose


def request_draft(
    operation: str, given: Any, *, principal: Principal | None, actor: str = ANONYMOUS, outcome: str = "ok"
) -> AuditDraft:
    """The entry of `operation` called with `given` by `principal` (or, when none is known, by `actor`)."""
    return AuditDraft(
        actor=principal.actor if principal is not None else actor,
        role=principal.role_text if principal is not None else NO_ROLE,
        operation=operation[:MAX_OPERATION],
        input_digest=digest(given),
        outcome=outcome,
        request_id=current_request_id(),
    )


def denial_draft(
    operation: str, given: Any, code: str, *, principal: Principal | None, actor: str = ANONYMOUS
) -> AuditDraft:
    """The entry of a refused request: outcome `denied: <code>`."""
    return request_draft(operation, given, principal=principal, actor=actor, outcome=f"denied: {code}")
