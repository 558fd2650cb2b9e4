"""The limits every request is held to beyond graphql-core's validation: shape, choice, cost.

Parsing, the token limit and validation are Strawberry's public extensions (`MaxTokensLimiter`,
`ParserCache`, `ValidationCache`, see schema.py). `DocumentLimits` wraps that validation and adds:
the document's shape (service/graphql/complexity.py: a fragment bomb or cycle is refused in linear
work, before the cost estimate or any check that expands spreads; depth and aliases counted
through fragments without expanding them), the refusal of several operations without an
`operationName`, and the cost limit (service/graphql/cost.py).

A document's shape is a pure function of its text, so it is remembered per text, in a bounded LRU.
The cost also reads the request's variables (`first: $n`), so its answer is remembered per text,
operation name and the values of just those variables, and computed afresh for any value not seen
yet: a remembered document is still refused when its variables make it too costly.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from graphql import DocumentNode, GraphQLError, GraphQLSchema, OperationDefinitionNode
from strawberry.extensions import ParserCache, SchemaExtension, ValidationCache

from service.graphql.complexity import document_shape, expansion_refusal, limit_errors
from service.graphql.cost import cost_error, page_variables
from service.observability.metrics import record_refusal

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

MAX_DOCUMENTS = 256
# Only texts up to this length are remembered, parsed and validated (the dashboard's documents are
# under 2 KiB each): a parsed document is many times larger than its text, so Strawberry's caches
# (schema.CACHED_DOCUMENTS entries) stay bounded however a caller picks them (figures in bench/README.md).
MAX_TEXT = 4 * 1024
MAX_TEXTS = 512 * 1024
MAX_COST_VARIANTS = 32  # per document: distinct (operation, page sizes) remembered
SCALARS = (str, int, float, bool, type(None))
# The refusals of a document over a limit, counted by code (attestgraph_refusals_total): the
# depth, alias and spread limits, and the cost.
LIMIT_CODES = frozenset({"QUERY_TOO_COMPLEX", "QUERY_TOO_COSTLY"})


class Lru(Generic[K, V]):
    """A small thread-safe LRU map of at most `maxsize` entries whose weights (a document's
    length) add up to at most `max_weight`."""

    def __init__(self, maxsize: int, max_weight: int | None = None) -> None:
        self.maxsize = maxsize
        self.max_weight = max_weight
        self.weight = 0
        self._items: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: K, value: V, weight: int = 0) -> None:
        with self._lock:
            old = self._items.pop(key, None)
            self.weight += weight - (old[1] if old is not None else 0)
            self._items[key] = (value, weight)
            while len(self._items) > self.maxsize or (
                self.max_weight is not None and self.weight > self.max_weight and len(self._items) > 1
            ):
                self.weight -= self._items.popitem(last=False)[1][1]

    def __len__(self) -> int:
        return len(self._items)


@dataclass
class Prepared:
    """What the limits said of one document text."""

    # A fragment cycle or bomb: refused alone, nothing else may walk the document.
    expansion: GraphQLError | None
    limits: list[GraphQLError]  # depth and aliases
    page_variables: tuple[str, ...]
    costs: Lru[Hashable, tuple[GraphQLError | None]] = field(default_factory=lambda: Lru(MAX_COST_VARIANTS))


def prepare(document: DocumentNode) -> Prepared:
    shape = document_shape(document)
    refusal = expansion_refusal(shape)
    if refusal is not None:
        return Prepared(refusal, [], ())
    return Prepared(None, limit_errors(shape), tuple(sorted(page_variables(document))))


def unnamed_choice(document: DocumentNode, operation_name: str | None) -> GraphQLError | None:
    """The refusal of a document with several operations and no `operationName` (the spec's
    rule; running the first one would answer a question the caller may not have meant)."""
    if operation_name is not None:
        return None
    names = [
        d.name.value if d.name is not None else "anonymous"
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
    ]
    if len(names) < 2:
        return None
    reason = f"is required: the document has {len(names)} operations ({', '.join(names)})"
    return GraphQLError(
        f"operationName: {reason}",
        extensions={"code": "BAD_USER_INPUT", "fields": [{"field": "operationName", "reason": reason}]},
    )


class ShortTextParserCache(ParserCache):
    """Strawberry's parser cache for texts up to `MAX_TEXT`; longer ones Strawberry parses each
    time (a parsed document takes up to ~300 bytes per character of its text: the cache's memory
    stays bounded however a caller picks its texts)."""

    def on_parse(self) -> Iterator[None]:
        if len(self.execution_context.query or "") > MAX_TEXT:
            yield
        else:
            yield from super().on_parse()


class ShortTextValidationCache(ValidationCache):
    """Strawberry's validation cache for the documents of texts up to `MAX_TEXT` (see above)."""

    def on_validate(self) -> Iterator[None]:
        if len(self.execution_context.query or "") > MAX_TEXT:
            yield
        else:
            yield from super().on_validate()


class PreparedDocuments:
    """The per-schema memory of documents' shapes and costs."""

    def __init__(self, *, max_cost: int, maxsize: int = MAX_DOCUMENTS) -> None:
        # The schema the cost is read from: built from the served schema's SDL once it exists (schema.py).
        self.cost_schema = GraphQLSchema()
        self.max_cost = max_cost
        self.documents: Lru[str, Prepared] = Lru(maxsize, MAX_TEXTS)

    def extension(self) -> Callable[[], SchemaExtension]:
        """A factory for the schema's `extensions=` list: list it after `ValidationCache`, whose
        errors it adds to (Strawberry acts on them before any hook's code after its `yield`)."""
        return lambda: DocumentLimits(self)

    def prepared(self, query: str | None, document: DocumentNode) -> Prepared:
        if not query or len(query) > MAX_TEXT:
            return prepare(document)  # used once, not kept
        found = self.documents.get(query)
        if found is None:
            found = prepare(document)
            self.documents.put(query, found, len(query))
        return found

    def cost_refusal(
        self, prepared: Prepared, document: DocumentNode, operation_name: str | None, variables: dict[str, Any]
    ) -> GraphQLError | None:
        values = [variables.get(name) for name in prepared.page_variables]
        if not all(isinstance(v, SCALARS) for v in values):  # a list or object: never hashed, just costed
            return cost_error(self.cost_schema, document, operation_name, variables, self.max_cost)
        # The type is in the key: 1, 1.0 and True hash alike but need not cost alike.
        key = (operation_name, *((type(v).__name__, v) for v in values))
        remembered = prepared.costs.get(key)
        if remembered is None:
            remembered = (cost_error(self.cost_schema, document, operation_name, variables, self.max_cost),)
            prepared.costs.put(key, remembered)
        return remembered[0]


class DocumentLimits(SchemaExtension):
    """Adds the shape, operation-choice and cost refusals to what validation found."""

    def __init__(self, documents: PreparedDocuments) -> None:
        self.documents = documents
        self.requested_operation: str | None = None

    def on_operation(self) -> Iterator[None]:
        # Before parsing, `operation_name` is the caller's; after, Strawberry falls back to the
        # document's first operation, which must not stand in for a choice the caller never made.
        self.requested_operation = self.execution_context.operation_name
        yield

    def on_validate(self) -> Iterator[None]:
        # ValidationCache, listed before, has run graphql-core's rules (none expands fragments:
        # each fragment is visited once), unless the text is too long to remember: then nothing
        # is set here unless refused, and Strawberry validates after this. A new list: the
        # cached one is shared between requests.
        context = self.execution_context
        if context.graphql_document is not None:
            validated = context.pre_execution_errors
            errors = self.errors(context.graphql_document, validated or [])
            for error in errors:
                code = (error.extensions or {}).get("code")
                if code in LIMIT_CODES:
                    record_refusal(code)
            if validated is not None or errors:
                context.pre_execution_errors = errors
        yield

    def errors(self, document: DocumentNode, validation: list[GraphQLError]) -> list[GraphQLError]:
        context = self.execution_context
        prepared = self.documents.prepared(context.query, document)
        if prepared.expansion is not None:
            return [prepared.expansion]
        choice = unnamed_choice(document, self.requested_operation)
        if choice is not None:
            return [choice]
        errors = [*validation, *prepared.limits]
        if errors:  # an invalid document is not costed: its fields may not exist
            return errors
        refusal = self.documents.cost_refusal(prepared, document, context.operation_name, context.variables or {})
        return [refusal] if refusal is not None else []
