"""The GraphQL schema, with the error vocabulary and the basic limits applied once."""

from __future__ import annotations

from datetime import datetime

import strawberry
from graphql import ASTValidationRule, GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from service.auth.guard import guard_root_fields
from service.graphql.cost import DEFAULT_MAX_COST
from service.graphql.documents import PreparedDocuments
from service.graphql.errors import CodedErrors, is_expected
from service.graphql.execution import PlainDataExecutor
from service.graphql.mutation import Mutation
from service.graphql.query import Query
from service.graphql.scalars import DATETIME_SCALAR

MAX_TOKENS = 5000


class AttestgraphSchema(strawberry.Schema):
    documents: PreparedDocuments  # what it remembers of the documents it was asked

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        # Caller mistakes are answered, not logged as failures; CodedErrors logs the rest.
        unexpected = [e for e in errors if not is_expected(e)]
        if unexpected:
            super().process_errors(unexpected, execution_context)


# Every root field is checked against the one role table (service/auth/roles.py) and audited.
guard_root_fields(Query, Mutation)


def build_schema(*, introspection: bool = True, max_cost: int = DEFAULT_MAX_COST) -> AttestgraphSchema:
    # The limits' rules are made once, so a document's validation can be remembered (documents.py).
    # Depth and aliases are read off the document's shape in linear time (complexity.py), not
    # by Strawberry's limiters, which walk every expanded fragment spread.
    rules: list[type[ASTValidationRule]] = []
    if not introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    documents = PreparedDocuments(rules=tuple(rules), max_tokens=MAX_TOKENS, max_cost=max_cost)
    schema = AttestgraphSchema(
        config=StrawberryConfig(scalar_map={datetime: DATETIME_SCALAR}),
        query=Query,
        mutation=Mutation,
        # Field suggestions go with introspection: production answers neither.
        extensions=[documents.extension(), lambda: CodedErrors(suggestions=introspection)],
        # Plain report rows are completed without graphql-core's per-field work (execution.py).
        execution_context_class=PlainDataExecutor,
    )
    schema.documents = documents
    return schema
