"""GraphQL operations counted and timed by name (service/observability/metrics.py), as a
Strawberry extension listed first, so its time covers parsing, validation and execution."""

from __future__ import annotations

import time
from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from service.observability.metrics import GRAPHQL_OPERATIONS, GRAPHQL_SECONDS, OPERATION_NAMES


class OperationMetrics(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        outcome = "error"  # unless the operation ends below: it raised (a text that does not parse)
        try:
            yield
            context = self.execution_context
            result = context.result
            if context.pre_execution_errors:
                outcome = "refused"  # invalid, or over a limit: nothing ran
            elif result is not None and getattr(result, "errors", None):
                outcome = "error"
            else:
                outcome = "ok"
        finally:
            # After parsing, Strawberry names the operation the document chose when the caller named none.
            name = OPERATION_NAMES.label(self.execution_context.operation_name)
            GRAPHQL_OPERATIONS.labels(operation=name, outcome=outcome).inc()
            GRAPHQL_SECONDS.labels(operation=name).observe(time.perf_counter() - started)
