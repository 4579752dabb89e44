"""The /graphql endpoint: POST only for operations (no queries in URLs, no batching)."""

from strawberry.fastapi import GraphQLRouter

from api.graphql.context import Context, get_context
from api.graphql.schema import build_schema
from api.settings import ApiSettings


def graphql_router(settings: ApiSettings) -> GraphQLRouter[Context, None]:
    return GraphQLRouter(
        build_schema(settings.graphql_max_depth),
        context_getter=get_context,
        graphql_ide="graphiql" if settings.graphiql else None,
        allow_queries_via_get=False,
    )
