"""Optional OpenTelemetry traces: the HTTP request (FastAPI instrumentation), the GraphQL
operation and its resolvers (Strawberry's OpenTelemetryExtension) and every store call
(service/observability/observed_store.py), all in one trace.

Off unless the standard variables ask: OTEL_TRACES_EXPORTER=console or otlp turns it on (unset
or "none": off), OTEL_SDK_DISABLED=true turns it off whatever else is set. When off nothing of
the SDK is even imported. When on, the SDK reads the other OTEL_* variables itself (service
name, resource attributes, sampler, batch sizes, the OTLP endpoint and headers); the service
name defaults to "attestgraph". Needs the `otel` extra (`pip install 'attestgraph[otel]'`)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from graph.errors import InvalidInputError

if TYPE_CHECKING:
    from fastapi import FastAPI
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter
    from opentelemetry.trace import Tracer
    from strawberry.extensions import SchemaExtension

EXPORTERS_ENV = "OTEL_TRACES_EXPORTER"
DISABLED_ENV = "OTEL_SDK_DISABLED"
# Probes and scrapes come every few seconds and say nothing worth a trace.
UNTRACED_URLS = "healthz,readyz,metrics"


def tracing_requested(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether the OTEL_* variables turn traces on."""
    if environ.get(DISABLED_ENV, "").strip().lower() == "true":
        return False
    return bool(_exporter_names(environ))


def _exporter_names(environ: Mapping[str, str]) -> list[str]:
    names = [n.strip().lower() for n in environ.get(EXPORTERS_ENV, "").split(",") if n.strip()]
    return [] if names in ([], ["none"]) else names


def tracer_provider(environ: Mapping[str, str] = os.environ) -> TracerProvider:
    """A provider exporting to the exporters OTEL_TRACES_EXPORTER names (the global one too)."""
    try:
        from opentelemetry import trace
        from opentelemetry.sdk.resources import SERVICE_NAME, Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError:
        raise InvalidInputError.one(
            EXPORTERS_ENV, "traces need the OpenTelemetry SDK: pip install 'attestgraph[otel]'"
        ) from None
    defaults = {} if environ.get("OTEL_SERVICE_NAME") else {SERVICE_NAME: "attestgraph"}
    provider = TracerProvider(resource=Resource.create(defaults))
    for name in _exporter_names(environ):
        provider.add_span_processor(BatchSpanProcessor(_exporter(name)))
    trace.set_tracer_provider(provider)
    return provider


def _exporter(name: str) -> SpanExporter:
    if name == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        return ConsoleSpanExporter()
    if name == "otlp":
        try:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        except ImportError:
            raise InvalidInputError.one(
                EXPORTERS_ENV, "otlp needs the `otel` extra: pip install 'attestgraph[otel]'"
            ) from None
        exporter: SpanExporter = OTLPSpanExporter()
        return exporter
    raise InvalidInputError.one(EXPORTERS_ENV, f"'{name}' is not an exporter here: use console, otlp or none")


class Tracing:
    """The tracer of store calls and the hooks that trace the app and the schema."""

    def __init__(self, provider: TracerProvider) -> None:
        self.provider = provider
        self.tracer: Tracer = provider.get_tracer("attestgraph")

    def instrument(self, app: FastAPI) -> None:
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

        FastAPIInstrumentor.instrument_app(app, tracer_provider=self.provider, excluded_urls=UNTRACED_URLS)

    def schema_extension(self) -> Callable[[], SchemaExtension]:
        from strawberry.extensions.tracing import OpenTelemetryExtension

        # No argument values on the spans: a variable may hold a secret (or personal data).
        return lambda: OpenTelemetryExtension(arg_filter=_no_arguments, tracer_provider=self.provider)


def _no_arguments(arguments: dict[str, Any], info: Any) -> dict[str, Any]:
    return {}


def configured_tracing(environ: Mapping[str, str] = os.environ) -> Tracing | None:
    """Tracing as the environment asks, or None (and no SDK import) when it does not."""
    return Tracing(tracer_provider(environ)) if tracing_requested(environ) else None
