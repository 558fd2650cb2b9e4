"""`GET /metrics`: the Prometheus scrape, for the roles service/auth/roles.py lets read it."""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from service.auth.route_guard import RoleRequired
from service.observability.metrics import exposition

log = logging.getLogger("attestgraph.metrics")

metrics = APIRouter(tags=["operations"])


@metrics.get("/metrics", dependencies=[Depends(RoleRequired("GET /metrics"))])
async def scrape(request: Request) -> Response:
    """The service's metrics in the Prometheus text format (every worker's with --workers)."""
    try:
        entries: int | None = await asyncio.to_thread(request.app.state.store.access.audit_count)
    except Exception as error:  # the rest of the scrape still answers; the gauge keeps its last value
        log.warning("cannot count the audit log for /metrics: %s", type(error).__name__)
        entries = None
    body, content_type = exposition(entries)
    return Response(body, media_type=content_type)
