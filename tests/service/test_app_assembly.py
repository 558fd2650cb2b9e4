"""The app is assembled from module-level routes, handlers and a lifespan (service/app.py): the
middleware keeps its order, and an app that opens its own store does so on each start."""

from __future__ import annotations

from pathlib import Path

from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.testclient import TestClient

from service.app import create_app
from service.auth.middleware import Gate, SecurityHeaders
from service.observability.request_log import RequestObservation
from service.request_body import GraphQLRequestCheck
from service.settings import Settings
from service.static_caching import DashboardCaching


def test_middleware_runs_headers_then_caching_compression_cors_the_gate_and_the_request_check() -> None:
    app = create_app(Settings(cors_origins=("https://dash.example",)))
    outermost_first = [m.cls for m in app.user_middleware]
    inner = [GZipMiddleware, CORSMiddleware, Gate, GraphQLRequestCheck]
    # The request's log line, count and X-Request-ID outside everything, refusals included.
    assert outermost_first == [RequestObservation, SecurityHeaders, DashboardCaching, *inner]
    closed = create_app(Settings())
    assert [m.cls for m in closed.user_middleware] == [
        RequestObservation,
        SecurityHeaders,
        DashboardCaching,
        GZipMiddleware,
        Gate,
        GraphQLRequestCheck,
    ]


def test_an_app_that_opens_its_store_opens_it_again_after_a_restart(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path, rate_limit=0))
    for _ in range(2):
        with TestClient(app) as client:
            answer = client.get("/readyz")
            assert (answer.status_code, answer.json()) == (200, {"status": "ready", "store": "embedded"})
        # closed on shutdown: the data dir's write lock is free for the next start
    assert (tmp_path / "attestgraph.sqlite3").exists()
