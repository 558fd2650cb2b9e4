"""The FastAPI application: GraphQL at /graphql, health probes, bundle export, the dashboard.

Every request but the probes and the dashboard's static files passes the gate of
service/auth/middleware.py (body size, credential, rate limit); each GraphQL root field and REST
route is then checked against the role table of service/auth/roles.py. docs/security.md has the
whole picture.

The routes (service/routes.py) and error handlers (service/rest_errors.py) are module-level; what
they need is on `app.state`: `settings` from the start, `store` and `authenticator` once the
lifespan has opened them."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles

from graph.store import GraphStore
from service.auth.keys import Authenticator, bootstrap_admin_key
from service.auth.middleware import Gate, SecurityHeaders
from service.auth.oidc import OidcVerifier
from service.auth.rate_limit import RateLimiter
from service.auth.roles import Principal
from service.graphql.context import Context
from service.graphql.ide import IdeRouter, ide_file
from service.graphql.schema import build_schema
from service.import_routes import imports
from service.lineage_route import lineage
from service.mcp.background import BackgroundMcp
from service.observability.metrics import process_exited
from service.observability.metrics_route import metrics
from service.observability.observed_store import observed
from service.observability.request_log import RequestObservation
from service.observability.tracing import configured_tracing
from service.package_route import package
from service.request_body import GraphQLRequestCheck
from service.rest_errors import HANDLERS
from service.routes import bundle, probes
from service.settings import Settings
from service.static_caching import DashboardCaching
from service.worker_header import WorkerHeader

# Answers smaller than this gain little from gzip (headers dominate); the dashboard's code, the
# GraphQL answers of its pages and the exports are far larger.
COMPRESS_FROM_BYTES = 1024


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """Build the app; with `store` given the caller owns it (tests), else it opens the configured one.

    `attestgraph serve` has uvicorn call this with no arguments in each worker process
    (service/cli_serve.py): every worker builds its own app and store from the environment."""
    settings = settings or Settings.from_env()
    app = FastAPI(
        title="Attestgraph",
        version="0.1.0",
        lifespan=partial(lifespan, given_store=store),
        docs_url=None,
        redoc_url=None,
        exception_handlers=HANDLERS,
    )
    app.state.settings = settings
    app.state.tracing = tracing = configured_tracing()  # None unless OTEL_* asks for traces

    graphiql = not settings.production
    schema = build_schema(
        introspection=not settings.production,
        max_cost=settings.max_query_cost,
        tracing=tracing.schema_extension() if tracing is not None else None,
    )
    app.include_router(
        IdeRouter(
            schema,
            context_getter=context_getter,
            graphql_ide="graphiql" if graphiql else None,
            frontend_dir=settings.frontend_dir,
            path="/graphql",  # its route's own template (the request metrics' label), not a prefix
        ),
    )
    app.include_router(ide_file)
    app.include_router(probes)
    app.include_router(bundle)
    app.include_router(package)
    app.include_router(imports)
    app.include_router(metrics)
    app.include_router(lineage)
    app.state.mcp = BackgroundMcp(lambda: app.state.store)
    app.router.routes.append(app.state.mcp.route())  # before the dashboard's catch-all mount
    if settings.frontend_dir is not None:
        app.mount("/", StaticFiles(directory=settings.frontend_dir, html=True), name="dashboard")

    # Innermost first: the GraphQL request check, the gate, then CORS (closed unless origins are
    # configured), compression, the dashboard's cache lifetimes, then the security headers (so
    # compressed answers and refusals carry them too).
    app.add_middleware(GraphQLRequestCheck)
    app.add_middleware(
        Gate,
        max_body_bytes=settings.max_body_bytes,
        max_import_bytes=settings.max_import_bytes,
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
    # Credentials travel in headers, never cookies, so a compressed answer cannot be probed
    # cross-site for a secret (BREACH needs the browser to attach one by itself).
    app.add_middleware(GZipMiddleware, minimum_size=COMPRESS_FROM_BYTES, compresslevel=6)
    app.add_middleware(DashboardCaching)
    app.add_middleware(SecurityHeaders)
    if settings.worker_header:
        app.add_middleware(WorkerHeader)  # on every answer, refusals included
    # Outermost: every request, refusals included, is counted and logged with its X-Request-ID.
    app.add_middleware(RequestObservation)
    if tracing is not None:
        tracing.instrument(app)
    return app


@asynccontextmanager
async def lifespan(app: FastAPI, *, given_store: GraphStore | None) -> AsyncIterator[None]:
    """Open the configured store (unless one was given: its owner closes it) and the authenticator."""
    settings: Settings = app.state.settings
    opened = given_store if given_store is not None else await asyncio.to_thread(settings.open_store)
    # Everything in the service calls the store through this: its calls are timed (and traced).
    app.state.store = store = observed(opened, app.state.tracing.tracer if app.state.tracing else None)
    oidc = (
        OidcVerifier(settings.oidc_issuer, settings.oidc_audience, settings.oidc_jwks_url, settings.oidc_role_claim)
        if settings.oidc_issuer
        else None
    )
    app.state.authenticator = Authenticator(store, oidc, settings.key_cache_seconds)
    if settings.bootstrap_admin_key:
        key = settings.bootstrap_admin_key.get_secret_value()
        await asyncio.to_thread(bootstrap_admin_key, store, key)
    try:
        async with app.state.mcp.running():
            yield
    finally:
        if app.state.tracing is not None:
            # Now, not at exit: uvicorn ends a single process by re-raising SIGTERM, and atexit never runs.
            await asyncio.to_thread(app.state.tracing.provider.force_flush)
        if given_store is None:
            opened.close()
        process_exited(os.getpid())


async def context_getter(request: Request) -> Context:
    """The GraphQL context of a request: the store and the caller the gate let through."""
    principal: Principal | None = getattr(request.state, "principal", None)
    return Context(request.app.state.store, principal, request.app.state.authenticator)
