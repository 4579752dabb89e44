"""The /graphql endpoint: POST only for operations (no queries in URLs, no batching)."""

from typing import Any

from cross_web import HTTPException
from starlette.responses import Response
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse

from api.errors import RETRY_AFTER_SECONDS
from api.graphql.context import Context, get_context
from api.graphql.errors import UNAVAILABLE
from api.graphql.schema import build_schema
from api.settings import ApiSettings


class _ObjectBodyRouter(GraphQLRouter[Context, None]):
    """Strawberry reads `.get("query")` off any JSON body; a bare string or number is a 400."""

    def decode_json(self, data: str | bytes) -> object:
        decoded = super().decode_json(data)
        if not isinstance(decoded, dict | list):
            raise HTTPException(400, "The request body must be a JSON object")
        return decoded

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        """503 with Retry-After when the database could not be reached, as REST answers."""
        if _unavailable(response_data):
            sub_response.status_code = 503
            sub_response.headers["Retry-After"] = RETRY_AFTER_SECONDS
        return super().create_response(response_data, sub_response)


def _unavailable(data: Any) -> bool:
    """Any error in the response (or in any of a batch's) coded SERVICE_UNAVAILABLE."""
    results = data if isinstance(data, list) else [data]
    return any(
        (error.get("extensions") or {}).get("code") == UNAVAILABLE
        for result in results
        for error in (result.get("errors") or [])
    )


def graphql_router(settings: ApiSettings) -> GraphQLRouter[Context, None]:
    return _ObjectBodyRouter(
        build_schema(
            settings.graphql_max_depth,
            settings.graphql_budgets,
            settings.graphql_timeout_seconds,
            settings.graphql_concurrency,
        ),
        context_getter=get_context,
        graphql_ide="graphiql" if settings.graphiql_on else None,
        allow_queries_via_get=False,
    )
