"""The GraphQL schema, with the error vocabulary and the request limits applied once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import graphql
import strawberry
from strawberry.extensions import DisableIntrospection, MaxTokensLimiter, SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from service.auth.guard import guard_root_fields
from service.graphql.cost import DEFAULT_MAX_COST
from service.graphql.documents import PreparedDocuments, ShortTextParserCache, ShortTextValidationCache
from service.graphql.errors import CodedErrors, is_expected
from service.graphql.mutation import Mutation
from service.graphql.query import Query
from service.graphql.remembered import RememberedAnswers
from service.graphql.scalars import DATETIME_SCALAR, JSON_SCALARS
from service.observability.graphql_metrics import OperationMetrics

MAX_TOKENS = 5000
# Parsed and validated documents remembered (Strawberry's LRUs, keyed by text and by document,
# for texts up to documents.MAX_TEXT): a dashboard asks the same few documents over and over.
CACHED_DOCUMENTS = 64


class AttestgraphSchema(strawberry.Schema):
    documents: PreparedDocuments  # what it remembers of the documents it was asked
    answers: RememberedAnswers  # and of the answers it gave (reads at explicit instants)

    def process_errors(
        self, errors: list[graphql.GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Caller mistakes are answered, not logged as failures; CodedErrors logs the rest.
        unexpected = [e for e in errors if not is_expected(e)]
        if unexpected:
            super().process_errors(unexpected, execution_context)


# Every root field is checked against the one role table (service/auth/roles.py) and audited.
guard_root_fields(Query, Mutation)

SCALARS = {datetime: DATETIME_SCALAR, **JSON_SCALARS}


def build_schema(
    *,
    introspection: bool = True,
    max_cost: int = DEFAULT_MAX_COST,
    remember_answers: bool = True,
    tracing: Callable[[], SchemaExtension] | None = None,
) -> AttestgraphSchema:
    """The served schema. `remember_answers=False` leaves out the answer memory, whose hook reads
    the store's version asynchronously: a schema executed synchronously (`introspect()`,
    `execute_sync`) must do without it. `tracing`: the OpenTelemetry extension, when traces are on
    (service/observability/tracing.py)."""
    documents = PreparedDocuments(max_cost=max_cost)
    answers = RememberedAnswers()
    # First: the operation's metrics and span cover every limit and refusal below.
    extensions: list[Callable[[], SchemaExtension]] = [OperationMetrics]
    if tracing is not None:
        extensions.append(tracing)
    extensions += [
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ShortTextParserCache(maxsize=CACHED_DOCUMENTS),
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    extensions += [
        lambda: ShortTextValidationCache(maxsize=CACHED_DOCUMENTS),
        # After ValidationCache: it adds the shape, operation-choice and cost refusals to its errors.
        documents.extension(),
        # Field suggestions go with introspection: production answers neither.
        lambda: CodedErrors(suggestions=introspection),
    ]
    if remember_answers:  # last: its on_execute runs after every limit above has passed the request
        extensions.append(answers.extension())
    schema = AttestgraphSchema(
        config=StrawberryConfig(scalar_map=SCALARS),
        query=Query,
        mutation=Mutation,
        extensions=extensions,
    )
    # The cost reads the types, fields and arguments of the schema served, rebuilt from its SDL.
    documents.cost_schema = graphql.build_schema(schema.as_str())
    schema.documents = documents
    schema.answers = answers
    return schema
