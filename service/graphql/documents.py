"""Parse and validate each distinct document text once; apply every limit to every request.

A dashboard asks the same few documents over and over. Parsing one and running graphql-core's
validation over it (the specified rules, the depth and alias limits, introspection when it is
off) is a pure function of its text, so `PreparedDocuments` remembers the parsed document and
those rules' errors per text, in a bounded LRU. The cost limit also reads the request's
variables (`first: $n`), so its answer is remembered per text, operation name and the values of
just those variables (service/graphql/cost.py `page_variables`), and computed afresh for any
value not seen yet: a remembered document is still refused when its variables make it too
costly. A text that does not parse (or breaks the token limit), or a long one, is not remembered.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from service.graphql.cost import cost_error, page_variables

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

MAX_DOCUMENTS = 256
# A parsed document is many times larger than its text (its tokens, nodes and locations):
# remembered texts are capped one by one and together, so the memory stays bounded however a
# caller picks them (figures in bench/README.md).
MAX_TEXT = 8 * 1024
MAX_TEXTS = 128 * 1024
MAX_COST_VARIANTS = 32  # per document: distinct (operation, page sizes) remembered
SCALARS = (str, int, float, bool, type(None))


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
    """One document text, parsed, with what the limits said of it."""

    document: DocumentNode
    page_variables: tuple[str, ...]
    errors: dict[tuple[type[ASTValidationRule], ...], list[GraphQLError]] = field(default_factory=dict)
    costs: Lru[Hashable, tuple[GraphQLError | None]] = field(default_factory=lambda: Lru(MAX_COST_VARIANTS))


class PreparedDocuments:
    """The per-schema memory of documents, and the limits that apply to every request."""

    def __init__(
        self,
        *,
        rules: tuple[type[ASTValidationRule], ...],
        max_tokens: int,
        max_cost: int,
        maxsize: int = MAX_DOCUMENTS,
    ) -> None:
        self.rules = rules
        self.max_tokens = max_tokens
        self.max_cost = max_cost
        self.documents: Lru[str, Prepared] = Lru(maxsize, MAX_TEXTS)

    def extension(self) -> Callable[[], SchemaExtension]:
        """A factory for the schema's `extensions=` list."""
        return lambda: DocumentLimits(self)

    def remember(self, query: str, document: DocumentNode) -> None:
        if len(query) <= MAX_TEXT:
            self.documents.put(query, Prepared(document, tuple(sorted(page_variables(document)))), len(query))

    def errors(
        self,
        schema: GraphQLSchema,
        prepared: Prepared,
        base_rules: tuple[type[ASTValidationRule], ...],
        operation_name: str | None,
        variables: dict[str, Any],
    ) -> list[GraphQLError]:
        """The validation errors, then the cost refusal if any: as one pass over them all gave."""
        rules = (*base_rules, *self.rules)
        errors = prepared.errors.get(rules)
        if errors is None:
            errors = prepared.errors[rules] = validate_document(schema, prepared.document, rules)
        values = [variables.get(name) for name in prepared.page_variables]
        if not all(isinstance(v, SCALARS) for v in values):  # a list or object: never hashed, just costed
            refusal = cost_error(schema, prepared.document, operation_name, variables, self.max_cost)
        else:
            # The type is in the key: 1, 1.0 and True hash alike but need not cost alike.
            key = (operation_name, *((type(v).__name__, v) for v in values))
            remembered = prepared.costs.get(key)
            if remembered is None:
                remembered = (cost_error(schema, prepared.document, operation_name, variables, self.max_cost),)
                prepared.costs.put(key, remembered)
            refusal = remembered[0]
        return [*errors, refusal] if refusal is not None else list(errors)


class DocumentLimits(SchemaExtension):
    """Serves a remembered document instead of parsing its text again, and answers validation
    from memory; the token, depth, alias, introspection and cost limits hold for every request."""

    def __init__(self, documents: PreparedDocuments) -> None:
        self.documents = documents

    def on_operation(self) -> Iterator[None]:
        self.execution_context.parse_options["max_tokens"] = self.documents.max_tokens
        yield

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query
        if context.graphql_document is not None or not query:
            yield  # a document handed in ready (or none at all): Strawberry deals with it
            return
        prepared = self.documents.documents.get(query)
        if prepared is not None:
            context.graphql_document = prepared.document
            yield
            return
        yield
        if context.graphql_document is not None:  # it parsed within the token limit
            self.documents.remember(query, context.graphql_document)

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        prepared = self.documents.documents.get(context.query) if context.query else None
        if document is not None and (prepared is None or prepared.document is not document):
            prepared = Prepared(document, tuple(sorted(page_variables(document))))  # used once, not kept
        if prepared is not None:
            context.pre_execution_errors = self.documents.errors(
                context.schema._schema,
                prepared,
                context.validation_rules,
                context.operation_name,
                context.variables or {},
            )
        yield
