"""Domain errors become GraphQL errors with `extensions.code` (service/error_codes.py); anything else
is masked."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

from graph.errors import AttestgraphError, StoreUnavailableError
from service.error_codes import UNAVAILABLE_MESSAGE, code_of, field_problems
from service.graphql.argument_paths import ArgumentPaths

log = logging.getLogger("attestgraph.graphql")

# graphql-core's "Did you mean 'assets' or 'asset'?" after a misspelt name: it tells a caller
# without introspection what the schema holds, so production answers without it.
SUGGESTION = re.compile(r"\s*Did you mean .*\?\s*$", re.DOTALL)


def camel_path(field: str) -> str:
    """`assets[0].changed_at` -> `assets[0].changedAt`: name fields as the API spells them."""
    parts: list[str] = []
    for part in field.split("."):
        if part.isdigit() and parts:
            parts[-1] += f"[{part}]"
        else:
            parts.append(re.sub(r"_([a-z])", lambda m: m.group(1).upper(), part))
    return ".".join(parts)


class CodedErrors(MaskErrors):
    """Give every error a machine-readable code; never leak internals of unexpected failures."""

    def __init__(self, *, suggestions: bool = True) -> None:
        super().__init__(should_mask_error=lambda _: True, error_message="Internal server error")
        self.suggestions = suggestions
        self._paths: ArgumentPaths | None = None

    def on_operation(self) -> Iterator[None]:
        try:
            yield from super().on_operation()
        except GraphQLError as error:
            # A text refused while an extension parsed it (ParserCache, the token limit) reaches
            # the caller as raised, past the errors this masks: give it its code here.
            raise self.anonymise_error(error) from None

    def argument(self, error: GraphQLError) -> str | None:
        """The argument a refused input value was given for, if the error points at one."""
        document = self.execution_context.graphql_document
        if document is None or not error.nodes:
            return None
        if self._paths is None:
            self._paths = ArgumentPaths(document)
        return self._paths.of(error.nodes)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        extensions = dict(error.extensions or {})
        message = error.message
        if isinstance(original, StoreUnavailableError):
            # Its text names the database's address and the driver's words: log them, answer less.
            log.warning("store unavailable at %s: %s", error.path, original)
            extensions = {"code": code_of(original)}
            message = UNAVAILABLE_MESSAGE
        elif isinstance(original, AttestgraphError):
            extensions["code"] = code_of(original)
            problems = field_problems(original)
            if problems is not None:
                extensions["fields"] = problems
        elif original is None:
            extensions.setdefault("code", "GRAPHQL_VALIDATION_FAILED")
        elif isinstance(original, GraphQLError) or (
            error.path is None and isinstance(original, ValueError | TypeError)
        ):
            # A value the document or its variables gave failed to parse (a bad date, say).
            extensions.setdefault("code", "BAD_USER_INPUT")
            argument = self.argument(error) if error.path is None else None
            if argument is not None and "fields" not in extensions:
                extensions["fields"] = [{"field": argument, "reason": message}]
                message = f"{argument}: {message}"
        else:
            log.error("unexpected error at %s", error.path, exc_info=original)
            extensions = {"code": "INTERNAL"}
            message = self.error_message
        if not self.suggestions:
            message = SUGGESTION.sub("", message)
        return GraphQLError(
            message=message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions=extensions,
        )


def is_expected(error: GraphQLError) -> bool:
    """Errors the caller caused: worth an answer, not a stack trace in the log."""
    original = error.original_error
    return original is None or isinstance(original, AttestgraphError | GraphQLError) or error.path is None
