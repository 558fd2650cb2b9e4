"""`GET /api/engagements/{engagement_id}/package`: the auditor's package (graph/reports/) as a
ZIP streamed as it is written, the same files `attestgraph report` writes (auditor and admin).

The engagement and its report are read before the first byte goes out, so an unknown engagement
is a 404 with the error shape of service/rest_errors.py, not a broken download.
"""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from graph.model import now_utc
from graph.reports.package import package_source, zip_stream
from service.auth.route_guard import RoleRequired

PACKAGE_ROUTE = "/api/engagements/{engagement_id}/package"
package = APIRouter(tags=["engagements"])

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def package_clock() -> datetime:
    """When a package is generated: now, to the second (a dependency, so tests can fix it)."""
    return now_utc().replace(microsecond=0)


@package.get(PACKAGE_ROUTE, dependencies=[Depends(RoleRequired(f"GET {PACKAGE_ROUTE}"))])
async def engagement_package(
    request: Request, engagement_id: str, generated_at: Annotated[datetime, Depends(package_clock)]
) -> StreamingResponse:
    """The engagement's package as a ZIP: coverage matrix, Type II gaps, crosswalk, OSCAL
    assessment results and the manifest sealing them."""
    store = request.app.state.store
    source = await asyncio.to_thread(package_source, store, engagement_id, generated_at, "engagement_id")
    name = f"{_UNSAFE.sub('_', engagement_id)}-package.zip"
    return StreamingResponse(
        zip_stream(source),  # a sync iterator: Starlette runs it in its thread pool
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
