"""The FastAPI application: GraphQL at /graphql, health probes, bundle export, the dashboard."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from strawberry.fastapi import GraphQLRouter

from graph.bundle import bundle_json_schema
from graph.errors import AttestgraphError, InvalidInputError
from graph.store import GraphStore
from service.graphql.context import Context
from service.graphql.schema import build_schema
from service.settings import Settings

log = logging.getLogger("attestgraph")


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """Build the app; with `store` given the caller owns it (tests), else it opens the configured one."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = store is None
        app.state.store = store if store is not None else await asyncio.to_thread(settings.open_store)
        try:
            yield
        finally:
            if owned:
                app.state.store.close()

    app = FastAPI(title="Attestgraph", version="0.1.0", lifespan=lifespan)

    async def context_getter(request: Request) -> Context:
        return Context(request.app.state.store)

    app.include_router(
        GraphQLRouter(build_schema(), context_getter=context_getter, graphql_ide="graphiql"), prefix="/graphql"
    )

    @app.exception_handler(AttestgraphError)
    async def domain_error(_: Request, error: AttestgraphError) -> JSONResponse:
        body: dict[str, Any] = {"code": error.code, "message": str(error)}
        if isinstance(error, InvalidInputError):
            body["fields"] = [{"field": p.field, "reason": p.reason} for p in error.problems]
        return JSONResponse(body, status_code=error.http_status)

    @app.get("/healthz", tags=["probes"])
    async def healthz() -> dict[str, str]:
        """The process is up."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["probes"])
    async def readyz(request: Request) -> JSONResponse:
        """The store answers queries."""
        try:
            await asyncio.to_thread(request.app.state.store.ping)
        except Exception as error:  # any failure means not ready; say which kind
            log.warning("readiness check failed: %s", type(error).__name__)
            return JSONResponse({"status": "unavailable", "store": settings.store}, status_code=503)
        return JSONResponse({"status": "ready", "store": settings.store})

    @app.get("/api/export", tags=["bundle"])
    async def export(request: Request) -> Response:
        """The whole graph as one bundle (JSON), the same document `attestgraph export` writes."""
        bundle = await asyncio.to_thread(request.app.state.store.export)
        return Response(bundle.model_dump_json(), media_type="application/json")

    @app.get("/api/schema/bundle.json", tags=["bundle"])
    async def bundle_schema() -> dict[str, Any]:
        """The JSON Schema of a bundle, generated from the graph model."""
        return bundle_json_schema()

    if settings.frontend_dir is not None:
        app.mount("/", StaticFiles(directory=settings.frontend_dir, html=True), name="dashboard")
    return app
