"""Role enforcement and auditing on every root field, from the one table in roles.py.

`RoleGuard` is attached to every field of Query and Mutation when the schema is built
(`guard_root_fields`). For each call it checks the caller's roles; a denial is appended to the
audit log and answered with code FORBIDDEN. A mutation runs inside `graph.access.audit.audited`, so its
entry commits in the same transaction as its write; a mutation that fails appends an entry with
the error code instead, and one that wrote nothing appends its entry on its own.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Any

import strawberry
from strawberry.extensions import FieldExtension
from strawberry.types import Info
from strawberry.types.nodes import SelectedField

from graph.access.audit import AuditDraft, audited
from graph.errors import AttestgraphError, ForbiddenError
from graph.store import GraphStore
from service.auth.audit_drafts import denial_draft, request_draft
from service.auth.roles import PERMISSIONS, Principal
from service.error_codes import code_of
from service.observability.metrics import record_write

log = logging.getLogger("attestgraph.access.audit")

ROOT_TYPES = ("Query", "Mutation")


def operation_name(info: Info[Any, Any]) -> str:
    return f"{info.path.typename}.{info.field_name}"


class RoleGuard(FieldExtension):
    # Positional-only: a field may take an argument named `source` (crosswalk does).
    async def resolve_async(self, next_: Any, source: Any, info: Info[Any, Any], /, **kwargs: Any) -> Any:  # type: ignore[override]
        operation = operation_name(info)
        principal: Principal | None = getattr(info.context, "principal", None)
        store: GraphStore = info.context.store
        if principal is None or not principal.may(operation):
            denial = _denial(principal, operation, kwargs)
            record_write(operation, denial.outcome)
            await _append(store, denial)
            allowed = ", ".join(sorted(r.value for r in PERMISSIONS.get(operation, frozenset()))) or "no role"
            raise ForbiddenError(
                f"{info.field_name}: your role ({_roles(principal)}) may not do this; allowed: {allowed}"
            )
        if info.path.typename != "Mutation":
            return await next_(source, info, **kwargs)
        if not principal.reads_graph and _selects_objects(info):
            await _append(store, _denial(principal, operation, kwargs))
            raise ForbiddenError(
                f"{info.field_name}: your role ({_roles(principal)}) writes without reading the graph: "
                "select only scalar fields of the result"
            )
        draft = request_draft(operation, _given(kwargs), principal=principal)
        try:
            with audited(draft) as pending:
                result = await next_(source, info, **kwargs)
        except AttestgraphError as error:  # rolled back: its entry says how it ended instead
            record_write(operation, f"error: {code_of(error)}")
            await _append(store, draft.model_copy(update={"outcome": f"error: {code_of(error)}"}))
            raise
        except Exception:
            record_write(operation, f"error: {code_of(AttestgraphError)}")
            await _append(store, draft.model_copy(update={"outcome": f"error: {code_of(AttestgraphError)}"}))
            raise
        record_write(operation, draft.outcome)
        if pending.entry is None:  # it wrote nothing (e.g. a repeated recording): still on record
            await _append(store, draft)
        return result


def _roles(principal: Principal | None) -> str:
    return principal.role_text if principal is not None else "(none)"


def _denial(principal: Principal | None, operation: str, kwargs: dict[str, Any]) -> AuditDraft:
    return denial_draft(operation, _given(kwargs), code_of(ForbiddenError), principal=principal)


def _given(value: Any) -> Any:
    """The arguments as sent: input fields left out (UNSET, e.g. a partial asset upsert's) are
    dropped, so the digest is of what the caller wrote."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = ((f.name, getattr(value, f.name)) for f in dataclasses.fields(value))
        return {name: _given(v) for name, v in fields if v is not strawberry.UNSET}
    if isinstance(value, dict):
        return {k: _given(v) for k, v in value.items() if v is not strawberry.UNSET}
    if isinstance(value, list):
        return [_given(v) for v in value]
    return value


async def _append(store: GraphStore, draft: AuditDraft) -> None:
    try:
        await asyncio.to_thread(store.access.append_audit, draft)
    except Exception:
        # The operation's answer does not change; an unwritable log is an operator's alarm.
        log.exception("could not append to the audit log: %s %s %s", draft.actor, draft.operation, draft.outcome)
        raise


def _selects_objects(info: Info[Any, Any]) -> bool:
    """Whether the field's selection reaches into objects (anything but scalars of the result)."""

    def nested(selections: list[Any]) -> bool:
        for selection in selections:
            if isinstance(selection, SelectedField):
                if selection.selections:
                    return True
            elif nested(selection.selections):  # an inline fragment or a fragment spread
                return True
        return False

    return any(nested(field.selections) for field in info.selected_fields)


def guard_root_fields(*root_types: type) -> None:
    """Attach `RoleGuard` to every field of the root types (once, before the schema is built)."""
    for root in root_types:
        definition = root.__strawberry_definition__  # type: ignore[attr-defined]
        for field in definition.fields:
            if not any(isinstance(e, RoleGuard) for e in field.extensions):
                field.extensions.append(RoleGuard())
