"""The REST routes: health probes (public) and the bundle (role-checked). The app keeps its
settings and store on `app.state` (service/app.py)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from graph.bundle import bundle_json_schema
from service.auth.route_guard import RoleRequired

log = logging.getLogger("attestgraph")

probes = APIRouter(tags=["probes"])
bundle = APIRouter(tags=["bundle"])


@probes.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@probes.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """The store answers queries."""
    backend: str = request.app.state.settings.store
    try:
        await asyncio.to_thread(request.app.state.store.ping)
    except Exception as error:  # any failure means not ready; say which kind
        log.warning("readiness check failed: %s", type(error).__name__)
        return JSONResponse({"status": "unavailable", "store": backend}, status_code=503)
    return JSONResponse({"status": "ready", "store": backend})


@bundle.get("/api/export", dependencies=[Depends(RoleRequired("GET /api/export"))])
async def export(request: Request) -> Response:
    """The whole graph as one bundle (JSON), the same document `attestgraph export` writes."""
    exported = await asyncio.to_thread(request.app.state.store.export)
    return Response(exported.model_dump_json(), media_type="application/json")


@bundle.get("/api/schema/bundle.json", dependencies=[Depends(RoleRequired("GET /api/schema/bundle.json"))])
async def bundle_schema() -> dict[str, Any]:
    """The JSON Schema of a bundle, generated from the graph model."""
    return bundle_json_schema()
