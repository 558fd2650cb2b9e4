"""The GraphQL schema, with the error vocabulary and the basic limits applied once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import DisableIntrospection, MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from service.auth.guard import guard_root_fields
from service.graphql.cost import DEFAULT_MAX_COST, cost_limiter
from service.graphql.errors import CodedErrors, is_expected
from service.graphql.mutation import Mutation
from service.graphql.query import Query
from service.graphql.scalars import DATETIME_SCALAR

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 5000


class AttestgraphSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        # Caller mistakes are answered, not logged as failures; CodedErrors logs the rest.
        unexpected = [e for e in errors if not is_expected(e)]
        if unexpected:
            super().process_errors(unexpected, execution_context)


# Every root field is checked against the one role table (service/auth/roles.py) and audited.
guard_root_fields(Query, Mutation)


def build_schema(*, introspection: bool = True, max_cost: int = DEFAULT_MAX_COST) -> strawberry.Schema:
    extensions: list[Any] = [
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        cost_limiter(max_cost),
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    return AttestgraphSchema(
        config=StrawberryConfig(scalar_map={datetime: DATETIME_SCALAR}),
        query=Query,
        mutation=Mutation,
        extensions=[*extensions, CodedErrors],
    )
