"""`POST /api/v1/lineage`: the OpenLineage HTTP transport's endpoint, so a Marquez-style client
(openlineage-python's `HttpTransport`, the Java client, Airflow's and Spark's integrations) can
point at Attestgraph: `url` = the server, the default endpoint `api/v1/lineage`, auth `api_key`
(sent as `Authorization: Bearer <key>`) with a key of the evidence-collector or admin role.

One event per request, imported as `POST /api/imports/openlineage` would (graph/imports/openlineage.py):
one audited, all-or-nothing write; a repeated event records nothing. A body the client gzipped
(`compression: gzip`) is inflated, up to the import size limit. Answered 201 with the report.
"""

from __future__ import annotations

import asyncio
import json
import zlib
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from graph.errors import InvalidInputError
from graph.imports.registry import MAX_IMPORT_BYTES, ImportFormat, ImportOptions, file_sha256
from service.auth.audit_drafts import request_draft
from service.auth.roles import Principal
from service.auth.route_guard import RoleRequired
from service.import_routes import counted_import

LINEAGE_ROUTE = "/api/v1/lineage"
lineage = APIRouter(tags=["imports"])


@lineage.post(LINEAGE_ROUTE, status_code=201)
async def lineage_event(
    request: Request,
    response: Response,
    principal: Annotated[Principal, Depends(RoleRequired(f"POST {LINEAGE_ROUTE}"))],
) -> dict[str, Any]:
    """Import one OpenLineage event (the request body, JSON)."""
    data = _inflated(await request.body(), request.headers.get("content-encoding", ""))
    _one_event(data)
    options = ImportOptions(source_name="OpenLineage HTTP transport")
    draft = request_draft(f"POST {LINEAGE_ROUTE}", {"event": file_sha256(data)}, principal=principal)
    store = request.app.state.store
    report = await asyncio.to_thread(counted_import, store, ImportFormat.OPENLINEAGE, data, options, draft)
    if not report.written:
        response.status_code = 200  # nothing new: the event was recorded before
    return report.as_json()


def _inflated(body: bytes, encoding: str) -> bytes:
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding != "gzip":
        raise InvalidInputError.one("Content-Encoding", f"'{encoding[:50]}' is not accepted: gzip or none")
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, MAX_IMPORT_BYTES + 1)
    except zlib.error as error:
        raise InvalidInputError.one("body", f"is not gzip data ({error})") from None
    if len(data) > MAX_IMPORT_BYTES or inflater.unconsumed_tail:
        raise InvalidInputError.one("body", f"inflates past {MAX_IMPORT_BYTES} bytes")
    if not inflater.eof:
        raise InvalidInputError.one("body", "is truncated gzip data")
    return data


def _one_event(data: bytes) -> None:
    # The transport sends one event per request; a batch belongs to POST /api/imports/openlineage.
    try:
        parsed = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InvalidInputError.one("body", f"is not JSON ({error})") from None
    if not isinstance(parsed, dict):
        raise InvalidInputError.one("body", "is one OpenLineage event (a JSON object) per request")
