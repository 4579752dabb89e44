"""The GraphQL schema with its guards: depth, alias and token limits, masked errors."""

import strawberry
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter

from api.graphql.errors import DomainErrorCodes
from api.graphql.mutations import Mutation
from api.graphql.queries import Query

DEFAULT_MAX_DEPTH = 10


def build_schema(max_depth: int = DEFAULT_MAX_DEPTH) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        extensions=[  # factories: a fresh extension per request
            lambda: QueryDepthLimiter(max_depth=max_depth),
            lambda: MaxAliasesLimiter(max_alias_count=30),
            lambda: MaxTokensLimiter(max_token_count=5000),
            DomainErrorCodes,
        ],
    )


def sdl() -> str:
    """The schema as SDL, as checked in at schema.graphql."""
    return build_schema().as_str() + "\n"
