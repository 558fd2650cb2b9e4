"""The GraphQL schema, with the error vocabulary and the basic limits applied once."""

from __future__ import annotations

import strawberry
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter

from service.graphql.errors import CodedErrors
from service.graphql.mutation import Mutation
from service.graphql.query import Query

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 5000


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        extensions=[
            lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
            lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            CodedErrors,
        ],
    )
