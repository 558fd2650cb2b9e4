"""The FastAPI application: GraphQL at /graphql, health probes, bundle export, the dashboard.

Every request but the probes and the dashboard's static files passes the gate of
service/auth/middleware.py (body size, credential, rate limit); each GraphQL root field and REST
route is then checked against the role table of service/auth/roles.py. docs/security.md has the
whole picture."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from strawberry.fastapi import GraphQLRouter

from graph.audit import AuditDraft, digest
from graph.bundle import bundle_json_schema
from graph.errors import AttestgraphError, ForbiddenError, InvalidInputError, StoreUnavailableError
from graph.store import GraphStore
from service.auth.keys import Authenticator, bootstrap_admin_key
from service.auth.middleware import Gate, SecurityHeaders
from service.auth.oidc import OidcVerifier
from service.auth.rate_limit import RateLimiter
from service.auth.roles import Principal
from service.graphql.context import Context
from service.graphql.errors import UNAVAILABLE_MESSAGE
from service.graphql.schema import build_schema
from service.request_body import GraphQLRequestCheck
from service.settings import Settings

log = logging.getLogger("attestgraph")


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """Build the app; with `store` given the caller owns it (tests), else it opens the configured one."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = store is None
        app.state.store = store if store is not None else await asyncio.to_thread(settings.open_store)
        oidc = (
            OidcVerifier(settings.oidc_issuer, settings.oidc_audience, settings.oidc_jwks_url, settings.oidc_role_claim)
            if settings.oidc_issuer
            else None
        )
        app.state.authenticator = Authenticator(app.state.store, oidc, settings.key_cache_seconds)
        if settings.bootstrap_admin_key:
            key = settings.bootstrap_admin_key.get_secret_value()
            await asyncio.to_thread(bootstrap_admin_key, app.state.store, key)
        try:
            yield
        finally:
            if owned:
                app.state.store.close()

    app = FastAPI(title="Attestgraph", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None)

    async def context_getter(request: Request) -> Context:
        principal: Principal | None = getattr(request.state, "principal", None)
        return Context(request.app.state.store, principal, request.app.state.authenticator)

    graphiql = not settings.production
    schema = build_schema(introspection=not settings.production, max_cost=settings.max_query_cost)
    app.include_router(
        GraphQLRouter(schema, context_getter=context_getter, graphql_ide="graphiql" if graphiql else None),
        prefix="/graphql",
    )

    def require(operation: str) -> Any:
        """A route dependency: the caller's role must allow `operation` (service/auth/roles.py)."""

        async def check(request: Request) -> Principal:
            principal: Principal | None = getattr(request.state, "principal", None)
            if principal is None or not principal.may(operation):
                draft = AuditDraft(
                    actor=principal.actor if principal else "(anonymous)",
                    role=principal.role_text if principal else "(none)",
                    operation=operation,
                    input_digest=digest(str(request.url.query)),
                    outcome="denied: FORBIDDEN",
                )
                await asyncio.to_thread(request.app.state.store.access.append_audit, draft)
                raise ForbiddenError(f"{operation}: your role may not do this")
            return principal

        return Depends(check)

    @app.exception_handler(AttestgraphError)
    async def domain_error(_: Request, error: AttestgraphError) -> JSONResponse:
        message = UNAVAILABLE_MESSAGE if isinstance(error, StoreUnavailableError) else str(error)
        body: dict[str, Any] = {"code": error.code, "message": message}
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

    @app.get("/api/export", tags=["bundle"], dependencies=[require("GET /api/export")])
    async def export(request: Request) -> Response:
        """The whole graph as one bundle (JSON), the same document `attestgraph export` writes."""
        bundle = await asyncio.to_thread(request.app.state.store.export)
        return Response(bundle.model_dump_json(), media_type="application/json")

    @app.get("/api/schema/bundle.json", tags=["bundle"], dependencies=[require("GET /api/schema/bundle.json")])
    async def bundle_schema() -> dict[str, Any]:
        """The JSON Schema of a bundle, generated from the graph model."""
        return bundle_json_schema()

    @app.exception_handler(Exception)
    async def unexpected_error(_: Request, error: Exception) -> JSONResponse:
        log.error("unexpected error", exc_info=error)  # the caller gets a code, never a trace
        return JSONResponse({"code": "INTERNAL", "message": "Internal server error"}, status_code=500)

    if settings.frontend_dir is not None:
        app.mount("/", StaticFiles(directory=settings.frontend_dir, html=True), name="dashboard")

    # Innermost first: the GraphQL request check, the gate, then CORS (closed unless origins are
    # configured), then headers.
    app.add_middleware(GraphQLRequestCheck)
    app.add_middleware(
        Gate,
        max_body_bytes=settings.max_body_bytes,
        limiter=RateLimiter(settings.rate_limit, settings.rate_burst),
        dashboard=settings.frontend_dir is not None,
        graphiql=graphiql,
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type"],
            allow_credentials=False,
            max_age=600,
        )
    app.add_middleware(SecurityHeaders)
    return app
