"""The /graphql endpoint: POST only for operations (no queries in URLs, no batching)."""

from cross_web import HTTPException
from strawberry.fastapi import GraphQLRouter

from api.graphql.context import Context, get_context
from api.graphql.schema import build_schema
from api.settings import ApiSettings


class _ObjectBodyRouter(GraphQLRouter[Context, None]):
    """Strawberry reads `.get("query")` off any JSON body; a bare string or number is a 400."""

    def decode_json(self, data: str | bytes) -> object:
        decoded = super().decode_json(data)
        if not isinstance(decoded, dict | list):
            raise HTTPException(400, "The request body must be a JSON object")
        return decoded


def graphql_router(settings: ApiSettings) -> GraphQLRouter[Context, None]:
    return _ObjectBodyRouter(
        build_schema(settings.graphql_max_depth),
        context_getter=get_context,
        graphql_ide="graphiql" if settings.graphiql else None,
        allow_queries_via_get=False,
    )
