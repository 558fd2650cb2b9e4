"""The store the service calls through: every call on it (and on its `access` store) is timed
into the store-call metrics, and traced when tracing is on.

One wrapper at the one boundary (service/app.py's lifespan hands it to everything that asks
`app.state.store`), so a new store method is observed without a line here; the question label is
the method's name, from the bounded GraphStore/AccessStore protocols."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from graph.store import GraphStore
from service.observability.metrics import STORE_ERRORS, STORE_IN_PROGRESS, STORE_SECONDS

if TYPE_CHECKING:  # opentelemetry is an optional extra: imported only when tracing is on
    from opentelemetry.trace import Tracer


def backend_name(store: object) -> str:
    """ "embedded" or "neo4j": the store label (EmbeddedStore, Neo4jStore)."""
    return type(store).__name__.removesuffix("Store").lower() or "unknown"


class ObservedCalls:
    """Forwards every attribute of `inner`; its methods are timed (and traced) per call."""

    def __init__(self, inner: object, backend: str, prefix: str, tracer: Tracer | None) -> None:
        self._inner = inner
        self._backend = backend
        self._prefix = prefix
        self._tracer = tracer

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if not callable(attribute) or name.startswith("_"):
            return attribute
        return self._observed(f"{self._prefix}{name}", attribute)

    def _observed(self, question: str, method: Callable[..., Any]) -> Callable[..., Any]:
        backend, tracer = self._backend, self._tracer

        def call(*args: Any, **kwargs: Any) -> Any:
            in_progress = STORE_IN_PROGRESS.labels(store=backend)
            in_progress.inc()
            started = time.perf_counter()
            try:
                if tracer is None:
                    return method(*args, **kwargs)
                with tracer.start_as_current_span(
                    f"store {question}", attributes={"db.system": backend, "attestgraph.store.question": question}
                ):
                    return method(*args, **kwargs)
            except Exception:
                STORE_ERRORS.labels(question=question, store=backend).inc()
                raise
            finally:
                in_progress.dec()
                STORE_SECONDS.labels(question=question, store=backend).observe(time.perf_counter() - started)

        return call


class ObservedStore(ObservedCalls):
    """A GraphStore whose calls, and its access store's, are observed."""

    def __init__(self, inner: GraphStore, tracer: Tracer | None = None) -> None:
        backend = backend_name(inner)
        super().__init__(inner, backend, "", tracer)
        self.access = ObservedCalls(inner.access, backend, "access.", tracer)


def observed(store: GraphStore, tracer: Tracer | None = None) -> GraphStore:
    """`store`, observed; typed as the protocol it forwards."""
    return cast(GraphStore, ObservedStore(store, tracer))
