"""`POST /api/imports/{format}`: another tool's file uploaded as the request body and imported in
one audited, all-or-nothing write (graph/imports/registry.py), for the evidence-collector role
(and admin). The answer is the import's report as JSON.

Query parameters: `control` (the control the file is evidence for), `create_assets` (make the
assets no identifier matches), `name` (the file's name, for titles and reports).
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from graph.access.audit import AuditDraft
from graph.imports.registry import ImportFormat, ImportOptions, ImportReport, file_sha256, parse_format, run_import
from graph.store import GraphStore
from service.auth.audit_drafts import request_draft
from service.auth.roles import Principal
from service.auth.route_guard import RoleRequired
from service.observability.metrics import record_import

IMPORT_ROUTE = "/api/imports/{format}"
imports = APIRouter(tags=["imports"])


@imports.post(IMPORT_ROUTE)
async def import_file(
    request: Request,
    format: str,
    principal: Annotated[Principal, Depends(RoleRequired(f"POST {IMPORT_ROUTE}"))],
    control: Annotated[str | None, Query(max_length=200)] = None,
    create_assets: bool = False,
    name: Annotated[str, Query(max_length=200)] = "",
) -> dict[str, Any]:
    """Import the body as `format` (nessus, cyclonedx, openlineage)."""
    fmt = parse_format(format)
    data = await request.body()
    options = ImportOptions(control=control, create_assets=create_assets, source_name=name)
    given = {"format": fmt.value, "file": file_sha256(data), "control": control, "create_assets": create_assets}
    draft = request_draft(f"POST /api/imports/{fmt.value}", given, principal=principal)
    report = await asyncio.to_thread(counted_import, request.app.state.store, fmt, data, options, draft)
    return report.as_json()


def counted_import(
    store: GraphStore, fmt: ImportFormat, data: bytes, options: ImportOptions, draft: AuditDraft
) -> ImportReport:
    """`run_import`, counted in /metrics by format and outcome (a refused file counts as failed)."""
    try:
        report = run_import(store, fmt, data, options, draft)
    except Exception:
        record_import(fmt.value, "failed")
        raise
    record_import(fmt.value, "ok")
    return report
