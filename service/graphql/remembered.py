"""Answers of read-only GraphQL requests remembered, serialized, per graph version.

A dashboard asks the same question again and again while nothing is written: the same document,
variables and role, at an explicit instant. Such an answer is a function of the graph and of
those inputs alone, so it is remembered under
(document text, operation name, variables, the caller's roles, `store.graph_version()`)
and served again, already encoded as JSON, without executing or encoding anything.

Remembered only when every condition holds, and otherwise executed as usual:
- the operation is a query whose root fields are all in `REMEMBERED_FIELDS` (answered from the
  graph and their arguments alone; `NEVER_REMEMBERED` read the audit log, keys or the caller)
  and that the caller's roles may ask (so a denial always runs, and is audited, by the guard);
- its answer read no clock: an instant left to "now" marks the request (`Context.read_clock`);
- it succeeded without any error, and its JSON fits in `MAX_ANSWER_BYTES`;
- the store gave a version (a write by any process moves it: the embedded store counts its
  writes, Neo4j moves its `:GraphVersion` node, graph/stores/neo4j/memo.py).

It runs in `on_execute`: after the token limit, parsing, validation, shape and cost limits
(which therefore hold for every request), and after the gate's authentication and rate limit.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Hashable
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    OperationDefinitionNode,
    OperationType,
    get_operation_ast,
)
from strawberry.extensions import SchemaExtension
from strawberry.fastapi import GraphQLRouter

from service.graphql.context import Context
from service.graphql.documents import MAX_TEXT, Lru

# Root fields whose answers depend on the graph and their arguments only.
REMEMBERED_FIELDS = frozenset(
    {
        "__typename",
        "frameworks",
        "framework",
        "criterion",
        "controls",
        "control",
        "assets",
        "asset",
        "assetsByIdentifier",
        "changes",
        "findings",  # a finding's status is the latest scan's, stored: no clock is read
        "vendors",
        "vendor",
        "evidence",
        "threats",
        "coverage",
        "blastRadius",
        "missingEvidence",
        "evidenceGaps",
        "controlPeriod",
        "crosswalk",
        "impact",
        "vendorLapse",  # without `asOf` it reads the clock: never remembered then
        "threatView",
        "auditExceptions",  # without `at` it reads the clock, and such an answer is never remembered
        "engagements",  # a type2 engagement's report reads the clock (its period may still run): likewise
        "engagement",
        "engagementPopulation",
    }
)
# Root fields read from outside the graph (the audit log, the keys) or about the caller.
NEVER_REMEMBERED = frozenset({"auditLog", "auditLogVerification", "apiKeys", "me"})

# Bounds in JSON bytes; each answer is also held decoded (for Strawberry's result), a few times its
# JSON size, so the memory stays under ~100 MiB. The dashboard's overview answer is ~37 KB at M.
MAX_ANSWERS = 256
MAX_ANSWER_BYTES = 1024 * 1024
MAX_TOTAL_BYTES = 16 * 1024 * 1024


class Serialized(dict[str, Any]):
    """A remembered answer's `data`, carrying its JSON text so it is encoded once (`RememberingRouter`)."""

    json: bytes


Key = tuple[Hashable, ...]


class RememberedAnswers:
    """The per-schema memory of answers (bounded in count and in bytes)."""

    def __init__(
        self, maxsize: int = MAX_ANSWERS, max_bytes: int = MAX_TOTAL_BYTES, max_answer: int = MAX_ANSWER_BYTES
    ) -> None:
        self.answers: Lru[Key, Serialized] = Lru(maxsize, max_bytes)
        self.max_answer = max_answer

    def extension(self) -> Callable[[], SchemaExtension]:
        return lambda: RememberAnswers(self)

    def remember(self, key: Key, data: dict[str, Any]) -> None:
        text = json.dumps(data, separators=(",", ":")).encode()
        if len(text) <= self.max_answer:
            answer = Serialized(data)
            answer.json = text
            self.answers.put(key, answer, len(text))


def root_fields(document: DocumentNode, operation_name: str | None) -> list[str] | None:
    """The root field names of the query that runs, or None if it is not a plain query (a
    mutation, an unknown operation, a fragment at the root: never remembered)."""
    operation = get_operation_ast(document, operation_name)
    if not isinstance(operation, OperationDefinitionNode) or operation.operation is not OperationType.QUERY:
        return None
    names = []
    for selection in operation.selection_set.selections:
        if not isinstance(selection, FieldNode):
            return None
        names.append(selection.name.value)
    return names


class RememberAnswers(SchemaExtension):
    def __init__(self, memory: RememberedAnswers) -> None:
        self.memory = memory

    async def key(self) -> Key | None:
        """The request's key, or None if its answer may not be remembered."""
        execution = self.execution_context
        context = execution.context
        query = execution.query
        if not isinstance(context, Context) or not query or len(query) > MAX_TEXT:
            return None
        principal = context.principal
        document = execution.graphql_document
        if principal is None or document is None:
            return None
        names = root_fields(document, execution.operation_name)
        if not names or not all(
            name in REMEMBERED_FIELDS and (name == "__typename" or principal.may(f"Query.{name}")) for name in names
        ):
            return None
        try:
            variables = json.dumps(execution.variables or {}, sort_keys=True, separators=(",", ":"))
            store = context.store
            version = (
                store.graph_version() if store.graph_version_in_memory else await context.call(store.graph_version)
            )
        except Exception:  # unencodable variables, or a store that cannot say: executed as usual
            return None
        if version is None:
            return None
        roles = tuple(sorted(role.value for role in principal.roles))
        return (query, execution.operation_name, variables, roles, version)

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        key = await self.key()
        if key is not None:
            found = self.memory.answers.get(key)
            if found is not None:
                execution.result = ExecutionResult(data=found)  # Strawberry then skips execution
                yield
                return
        yield
        result = execution.result
        if key is None or not isinstance(result, ExecutionResult) or result.errors or result.data is None:
            return
        context = execution.context
        if isinstance(context, Context) and not context.read_clock:
            self.memory.remember(key, result.data)


class RememberingRouter(GraphQLRouter[Any, Any]):
    """Strawberry's FastAPI router, answering a remembered answer with its JSON text as is."""

    def encode_json(self, data: object) -> str | bytes:
        if isinstance(data, dict) and len(data) == 1:
            answer = data.get("data")
            if isinstance(answer, Serialized):
                return b'{"data":' + answer.json + b"}"
        return super().encode_json(data)
