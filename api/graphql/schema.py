"""The GraphQL schema with its guards: depth, alias and token limits, masked errors."""

import logging

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.types import ExecutionContext

from api.graphql.errors import DomainErrorCodes
from api.graphql.mutations import Mutation
from api.graphql.queries import Query
from api.log_privacy import described

DEFAULT_MAX_DEPTH = 10

logger = logging.getLogger("stepwise.graphql")


class _Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """The caller gets the errors; the log gets where and what kind, never the message:
        graphql-core quotes the value it refused, often a pupil's name or UPN."""
        for error in errors:
            where = ".".join(str(p) for p in error.path or ()) or "document"
            if error.original_error is None:
                logger.info("GraphQL request refused at %s", where)
            else:
                logger.error("GraphQL error at %s: %s", where, described(error.original_error))


def build_schema(max_depth: int = DEFAULT_MAX_DEPTH) -> strawberry.Schema:
    return _Schema(
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
